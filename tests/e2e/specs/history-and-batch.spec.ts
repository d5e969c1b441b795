import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Download, Page } from '@playwright/test';
import { test, expect } from '../support/test';
import { admin, createUser, logIn } from '../support/accounts';

// A signed-in user's predictions: listed, downloaded, opened again and deleted; a CSV file in
// Kaggle's layout predicted at once with its submission file; the data set explorer; and the
// account page (a new password, and deleting the account).

const shots = process.env.LIFEBOAT_SCREENSHOT_DIR;

const HISTORY_HEADER = 'made_at,model_id,model_name,algorithm,pclass,sex,age,sibsp,parch,fare,embarked,prob,survived';

/** Four good passengers (two of them with a tricky quoted name), one row whose age is text. */
const KAGGLE_FILE = [
  'PassengerId,Survived,Pclass,Name,Sex,Age,SibSp,Parch,Ticket,Fare,Cabin,Embarked',
  '1,0,3,"Braund, Mr. Owen Harris",male,22,1,0,A/5 21171,7.25,,S',
  '2,1,1,"Cumings, Mrs. John Bradley (Florence Briggs Thayer)",female,38,1,0,PC 17599,71.2833,C85,C',
  '3,1,3,"Heikkinen, Miss. Laina",female,26,0,0,STON/O2. 3101282,7.925,,S',
  '4,1,1,"Futrelle, Mrs. Jacques Heath (Lily May Peel)",female,35,1,0,113803,53.1,C123,S',
  '5,0,3,"Allen, Mr. William Henry",male,old,0,0,373450,8.05,,S',
].join('\n') + '\n';

/** The lines of a downloaded file, without a trailing empty one. */
async function linesOf(download: Download): Promise<string[]> {
  const text = fs.readFileSync(await download.path(), 'utf8');
  return text.split(/\r?\n/).filter((line) => line.length > 0);
}

/** The bearer token of the person signed in in `page`. */
async function tokenOf(page: Page): Promise<string> {
  return page.evaluate(() => JSON.parse(localStorage.getItem('lifeboat.session')!).token as string);
}

/** Closes the toasts so that they neither cover a screenshot nor a button. */
async function dismissToasts(page: Page) {
  await page.evaluate(() => document.querySelectorAll<HTMLButtonElement>('.toast-close').forEach((b) => b.click()));
  await expect(page.getByRole('button', { name: 'Dismiss' })).toHaveCount(0);
}

/** Nothing may push the page wider than the screen (a phone would zoom the page out). */
async function expectNoSidewaysScroll(page: Page) {
  const width = page.viewportSize()!.width;
  expect(await page.evaluate(() => document.documentElement.scrollWidth), 'no sideways scrolling').toBeLessThanOrEqual(width);
}

/** Predicts once more in the calculator by changing `change`, and waits for the answer. */
async function predictAgain(page: Page, change: () => Promise<void>) {
  const answered = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/api/inference');
  await change();
  expect((await answered).status()).toBe(200);
}

test('predictions are listed, downloaded, reopened and deleted; a CSV file is predicted; the explorer draws the data set', async ({ page, request }, testInfo) => {
  test.setTimeout(90_000);
  const desktop = testInfo.project.name === 'desktop';
  const user = await createUser(request, 'e2e-history');
  const firstAnswer = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/inference');
  await logIn(page, user.email, user.password);

  // Three predictions: the calculator's first answer after the login, then two changes.
  expect((await firstAnswer).status()).toBe(200);
  await predictAgain(page, () => page.getByLabel('Sex', { exact: true }).selectOption('female'));
  await predictAgain(page, () => page.getByLabel('Ticket class', { exact: true }).selectOption('1'));
  // The backend writes the history in batches: wait until it has all three.
  const headers = { authorization: `Bearer ${await tokenOf(page)}` };
  await expect.poll(async () => (await (await request.get('/api/me/predictions', { headers })).json()).items.length,
    { timeout: 10_000 }).toBe(3);

  await page.getByRole('link', { name: 'My predictions' }).click();
  await expect(page.getByRole('heading', { name: 'My predictions' })).toBeVisible();
  const rows = page.getByTestId('history-row');
  await expect(rows).toHaveCount(3);
  // Newest first: the first-class woman of the last change.
  await expect(rows.first()).toContainText('1st class · female');
  await expect(rows.first()).toContainText(/\d+ %/);
  await expect(page.getByRole('combobox', { name: 'Model' })).toContainText('All models');
  await expectNoSidewaysScroll(page);
  if (shots && desktop) {
    await dismissToasts(page);
    await page.screenshot({ path: `${shots}/history-desktop.png`, fullPage: true });
  }

  const saved = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download CSV' }).click();
  const csv = await saved;
  expect(csv.suggestedFilename()).toBe('lifeboat-predictions.csv');
  const csvLines = await linesOf(csv);
  expect(csvLines[0]).toBe(HISTORY_HEADER);
  expect(csvLines).toHaveLength(4);

  await rows.first().getByRole('button', { name: /^Delete/ }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Prediction deleted.' })).toBeVisible();
  await expect(rows).toHaveCount(2);
  await expect(rows.first()).toContainText('3rd class · female');

  // Open in calculator fills the form with that passenger (and asks the same model).
  await rows.first().getByRole('link', { name: /^Open in calculator/ }).click();
  await expect(page).toHaveURL(/\/\?pclass=3&sex=female&age=29&sibsp=0&parch=0&fare=8\.05&embarked=S&model_id=[0-9a-f-]{36}$/);
  await expect(page.getByLabel('Ticket class', { exact: true })).toHaveValue('3');
  await expect(page.getByLabel('Sex', { exact: true })).toHaveValue('female');
  await expect(page.getByLabel('Age (years)', { exact: true })).toHaveValue('29');
  await expect(page.getByRole('radio', { name: 'Random forest' })).toBeChecked();
  await expect(page.getByRole('region', { name: 'Prediction result' }).getByTestId('probability')).toHaveText(/^\d{1,3}%$/);

  // A CSV file in Kaggle's layout.
  const file = path.join(os.tmpdir(), `lifeboat-e2e-${testInfo.project.name}-${Date.now()}.csv`);
  fs.writeFileSync(file, KAGGLE_FILE);
  await page.getByRole('link', { name: 'Batch', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Batch predictions' })).toBeVisible();
  await expect(page.getByText('PassengerId', { exact: true })).toBeVisible();
  await page.getByLabel('CSV file').setInputFiles(file);
  await expect(page.getByText(/^Chosen: lifeboat-e2e-/)).toBeVisible();
  await page.getByRole('button', { name: 'Predict the file' }).click();
  const result = page.getByRole('region', { name: 'Result' });
  await expect(result.getByTestId('rows-predicted')).toHaveText('4');
  await expect(result.getByTestId('lines-not-read')).toHaveText('1');
  await expect(result.getByTestId('batch-accuracy')).toHaveText(/^\d{1,3}\.\d %$/);
  const errors = result.getByRole('list', { name: 'Lines not read' }).getByRole('listitem');
  await expect(errors).toHaveCount(1);
  await expect(errors.first()).toHaveText(/^Line 6: /);
  await expect(result.getByRole('table').getByRole('row')).toHaveCount(5); // header + 4
  await expectNoSidewaysScroll(page);
  if (shots && desktop) {
    await dismissToasts(page);
    await page.screenshot({ path: `${shots}/batch-desktop.png`, fullPage: true });
  }
  const submitted = page.waitForEvent('download');
  await result.getByRole('button', { name: 'Download submission CSV' }).click();
  const submission = await linesOf(await submitted);
  expect(submission[0]).toMatch(/^PassengerId,Survived(,Probability)?$/);
  expect(submission).toHaveLength(5);
  expect(submission[1]).toMatch(/^1,[01](,0\.\d+|,1(\.0+)?|,0)?$/);
  fs.rmSync(file, { force: true });

  // The data set explorer, numbers from the summary.
  const summary = await (await request.get('/api/dataset/summary')).json();
  await page.getByRole('link', { name: 'Data', exact: true }).click();
  const sizes = page.getByTestId('dataset-sizes');
  await expect(sizes).toContainText(`${summary.passengers} passengers`);
  await expect(sizes).toContainText(`${summary.training_rows} of them train the models and the other ${summary.held_out_rows} judge them`);
  for (const chart of ['Survival rate by ticket class', 'Survival rate by sex', 'Survival rate by class and sex',
    'Survival rate by port of embarkation', 'Survival rate by age', 'Survival rate by family size aboard',
    'Ages, by outcome', 'Fares, by outcome']) {
    await expect(page.getByRole('figure', { name: chart, exact: true }).getByRole('img')).toBeVisible();
  }
  await expect(page.getByRole('img', { name: /^Survival rate by sex: (Fem|M)ale: \d+ %, n=\d+; (Fem|M)ale: \d+ %, n=\d+$/ })).toBeVisible();
  if (shots) {
    await dismissToasts(page);
    await page.screenshot({ path: `${shots}/explorer-${testInfo.project.name}.png`, fullPage: true });
  }
  const byClass = page.getByRole('figure', { name: 'Survival rate by ticket class', exact: true });
  const table = byClass.getByRole('table', { name: 'Survival rate by ticket class' });
  await expect(table).toBeHidden();
  await byClass.getByText('Show as table').click();
  await expect(table).toBeVisible();
  await expect(table.getByRole('row', { name: /^1st class \d+ \d+ \d+ %$/ })).toBeVisible();
  await expectNoSidewaysScroll(page);
});

test('the history pages by key, filters by model, and deleting all asks first and leaves the empty state', async ({ page, request }) => {
  test.setTimeout(120_000);
  // The default SVM trains at the first start next to the forest: wait until both are active.
  let active: { id: string; algorithm: string }[] = [];
  await expect.poll(async () => {
    const response = await request.get('/api/inference/models');
    active = response.ok() ? await response.json() : [];
    return active.length;
  }, { timeout: 90_000 }).toBeGreaterThanOrEqual(2);
  const svm = active.find((m) => m.algorithm === 'svm')!;

  const user = await createUser(request, 'e2e-pages');
  const firstAnswer = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/inference');
  await logIn(page, user.email, user.password);
  expect((await firstAnswer).status()).toBe(200);
  const headers = { authorization: `Bearer ${await tokenOf(page)}` };
  // The calculator's first answer, and eleven more through the API: two pages. The backend
  // writes the history in batches: wait until the download has all twelve.
  for (let age = 1; age <= 11; age++) {
    const answer = await request.post('/api/inference', { headers, data: { pclass: 2, sex: 'female', age, sibsp: 0, parch: 0 } });
    expect(answer.status()).toBe(200);
  }
  await expect.poll(async () => (await (await request.get('/api/me/predictions.csv', { headers })).text()).trim().split('\n').length,
    { timeout: 10_000 }).toBe(13);

  await page.goto('/predictions');
  const rows = page.getByTestId('history-row');
  const newer = page.getByRole('button', { name: '← Newer' });
  const older = page.getByRole('button', { name: 'Older →' });
  await expect(rows).toHaveCount(10);
  await expect(rows.first()).toContainText('age 11');
  await expect(newer).toBeDisabled();
  await older.click();
  await expect(rows).toHaveCount(2);
  await expect(rows.first()).toContainText('age 1 ');
  await expect(older).toBeDisabled();
  await newer.click();
  await expect(rows).toHaveCount(10);
  await expect(rows.first()).toContainText('age 11');

  // Nothing was asked of the SVM; the forest answered everything.
  const filter = page.getByRole('combobox', { name: 'Model' });
  await filter.selectOption(svm.id);
  await expect(page.getByTestId('history-empty')).toContainText('No predictions by this model yet.');
  await filter.selectOption('');
  await expect(rows).toHaveCount(10);

  await page.getByRole('button', { name: 'Delete all' }).click();
  const dialog = page.getByRole('dialog', { name: 'Delete all your predictions?' });
  await expect(dialog).toBeVisible();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
  await expect(rows).toHaveCount(10);
  await page.getByRole('button', { name: 'Delete all' }).click();
  await dialog.getByRole('button', { name: 'Delete all' }).click();
  await expect(page.getByTestId('history-empty')).toContainText('No predictions yet.');
  expect((await (await request.get('/api/me/predictions', { headers })).json()).items).toEqual([]);
});

test('a file over the limit is refused before it is sent, and the refusals of the server are shown', async ({ page, request }, testInfo) => {
  const user = await createUser(request, 'e2e-refused');
  await logIn(page, user.email, user.password);
  await page.goto('/batch');
  const sent: string[] = [];
  page.on('request', (r) => { if (new URL(r.url()).pathname === '/api/inference/file') sent.push(r.method()); });
  const refusal = page.getByRole('alert').filter({ hasText: 'The file was refused:' });

  const big = path.join(os.tmpdir(), `lifeboat-e2e-big-${testInfo.project.name}-${Date.now()}.csv`);
  fs.writeFileSync(big, Buffer.alloc(2 * 1024 * 1024 + 1, 'a'));
  await page.getByLabel('CSV file').setInputFiles(big);
  await expect(refusal).toHaveText('The file was refused: the request body is larger than the 2 MiB this route takes');
  await page.getByRole('button', { name: 'Predict the file' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Choose a CSV file first.' })).toBeVisible();
  expect(sent).toEqual([]);
  fs.rmSync(big, { force: true });

  const columnless = path.join(os.tmpdir(), `lifeboat-e2e-columnless-${testInfo.project.name}-${Date.now()}.csv`);
  fs.writeFileSync(columnless, 'Name,Ticket\nBraund,A/5 21171\n');
  await page.getByLabel('CSV file').setInputFiles(columnless);
  await page.getByRole('button', { name: 'Predict the file' }).click();
  await expect(page.getByTestId('batch-error')).toContainText(/^The file was refused: the file has no column /);
  expect(sent).toEqual(['POST']);
  fs.rmSync(columnless, { force: true });
});

test('an admin sees the predictions per day, signed in and anonymous', async ({ page, request }) => {
  await logIn(page, admin.email, admin.password);
  const token = await tokenOf(page);
  const days = await (await request.get('/api/admin/predictions/daily?days=30', { headers: { authorization: `Bearer ${token}` } })).json();
  await page.getByRole('link', { name: 'Usage', exact: true }).click();
  const figure = page.getByRole('figure', { name: 'Predictions per day', exact: true });
  await expect(figure.getByRole('img', { name: /^Predictions per day over 30 days: \d+ by signed-in users, \d+ anonymous/ })).toBeVisible();
  await figure.getByText('Show as table').click();
  await expect(figure.getByRole('table').getByRole('row')).toHaveCount(days.length + 1);
  await expectNoSidewaysScroll(page);
});

// Each of the two account tests below fails two logins on purpose, which count against the
// browser's address (20 per 15 minutes, shared by the whole suite): one project is enough.
test('a new password replaces the old one', async ({ page, request }, testInfo) => {
  test.skip(testInfo.project.name !== 'desktop', 'runs once');
  const user = await createUser(request, 'e2e-password');
  await logIn(page, user.email, user.password);
  await page.getByTestId('who').click();
  await expect(page.getByRole('heading', { name: 'Your account' })).toBeVisible();
  if (shots && testInfo.project.name === 'desktop') {
    await dismissToasts(page);
    await page.screenshot({ path: `${shots}/account-desktop.png`, fullPage: true });
  }
  const form = page.getByRole('form', { name: 'Change your password' });
  await form.getByLabel('Current password').fill('not my password');
  await form.getByLabel('New password').fill('a brand new password');
  await form.getByRole('button', { name: 'Change password' }).click();
  // The server's 422 names the field; the app stays signed in.
  await expect(form.getByLabel('Current password')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByTestId('who')).toContainText(user.email);

  await form.getByLabel('Current password').fill(user.password);
  await form.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Password changed.' })).toBeVisible();
  await expect(form.getByLabel('Current password')).toHaveValue('');

  // Logging out from a page for signed-in people goes home, not to the login.
  await page.getByRole('button', { name: 'Log out' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('link', { name: 'Log in' })).toBeVisible();
  await page.goto('/login');
  await page.getByLabel('E-mail').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Wrong e-mail or password.' })).toBeVisible();
  await logIn(page, user.email, 'a brand new password');
});

test('deleting the account asks for the password, logs out, and the account is gone', async ({ page, request }, testInfo) => {
  test.skip(testInfo.project.name !== 'desktop', 'runs once');
  const user = await createUser(request, 'e2e-delete');
  await logIn(page, user.email, user.password);
  await page.goto('/account');
  const form = page.getByRole('form', { name: 'Delete my account' });
  const dialog = page.getByRole('dialog', { name: 'Delete your account?' });

  await form.getByLabel('Password to confirm').fill('not my password');
  await form.getByRole('button', { name: 'Delete my account' }).click();
  await dialog.getByRole('button', { name: 'Delete for good' }).click();
  await expect(form.getByLabel('Password to confirm')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByTestId('who')).toContainText(user.email);

  await form.getByLabel('Password to confirm').fill(user.password);
  await form.getByRole('button', { name: 'Delete my account' }).click();
  await expect(dialog).toBeVisible();
  await dialog.getByRole('button', { name: 'Delete for good' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Your account has been deleted.' })).toBeVisible();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('link', { name: 'Log in' })).toBeVisible();
  expect(await page.evaluate(() => localStorage.getItem('lifeboat.session'))).toBeNull();

  await page.goto('/login');
  await page.getByLabel('E-mail').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Wrong e-mail or password.' })).toBeVisible();
});

test('the signed-in pages send a visitor to the login and back', async ({ page, request }) => {
  const user = await createUser(request, 'e2e-guard');
  await page.goto('/predictions');
  await expect(page).toHaveURL(/\/login\?next=%2Fpredictions$/);
  await page.getByLabel('E-mail').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('heading', { name: 'My predictions' })).toBeVisible();
});
