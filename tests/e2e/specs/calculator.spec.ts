import type { Page, Request, Response } from '@playwright/test';
import { test, expect } from '../support/test';

// A visitor describes a passenger and, as they type, sees the chance of survival from the real
// stack, why the model answers so, and what would change the verdict.

const shots = process.env.LIFEBOAT_SCREENSHOT_DIR;
// Fields are found by their exact label: the charts' descriptions name the inputs too.

type Passenger = Partial<Record<'pclass' | 'sex' | 'age' | 'sibsp' | 'parch' | 'fare' | 'embarked', string | number>>;

/** The percentage the page shows for a probability. */
const percent = (prob: number) => `${Math.round(prob * 100)}%`;

const answers = (page: Page) => page.getByRole('region', { name: 'Prediction result' });
const whatIf = (page: Page) => page.getByRole('region', { name: 'What if?' });

/** A request to `path` whose body has every field of `passenger`. */
function asks(request: Request, path: string, passenger: Passenger = {}): boolean {
  if (request.method() !== 'POST' || new URL(request.url()).pathname !== path) return false;
  const body = request.postDataJSON();
  return Object.entries(passenger).every(([field, value]) => body[field] === value);
}

/** The next answer of `path` to a request for `passenger`. */
function answerTo(page: Page, path: string, passenger: Passenger): Promise<Response> {
  return page.waitForResponse((response) => asks(response.request(), path, passenger));
}

async function describe(page: Page, passenger: { pclass: string; sex: string; age: string; fare: string; embarked?: string }) {
  await page.getByLabel('Ticket class', { exact: true }).selectOption(passenger.pclass);
  await page.getByLabel('Sex', { exact: true }).selectOption(passenger.sex);
  await page.getByLabel('Age (years)', { exact: true }).fill(passenger.age);
  await page.getByLabel('Fare (£)', { exact: true }).fill(passenger.fare);
  if (passenger.embarked) await page.getByLabel('Port of embarkation', { exact: true }).selectOption(passenger.embarked);
}

test('the answer and its explanation follow the inputs as they are typed, with no button', async ({ page }, testInfo) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: /would they have survived/i })).toBeVisible();
  const result = answers(page);
  await expect(result.getByTestId('probability')).toHaveText(/^\d{1,3}%$/);
  await expect(result.getByRole('img', { name: /Sex = male/ })).toBeVisible();
  await expect(page.getByRole('button', { name: /calculate/i })).toHaveCount(0);

  const answered = answerTo(page, '/api/inference', { pclass: 1, sex: 'female', age: 30, fare: 80, embarked: 'C' });
  await describe(page, { pclass: '1', sex: 'female', age: '30', fare: '80', embarked: 'C' });
  const answer = await (await answered).json();

  await expect(result.getByTestId('probability')).toHaveText(percent(answer.prob));
  await expect(result).toContainText('Likely survived');
  await expect(page.getByRole('meter', { name: 'Survival probability' })).toBeVisible();
  const chart = result.getByRole('img', { name: /^Contributions to the Random forest answer of \d+ %: average passenger \d+ %; / });
  await expect(chart).toHaveAccessibleName(/Sex = female: [+−]\d+ points?/);
  await expect(result.getByText(/^Average passenger: \d+ %$/)).toBeVisible();
  await expect(whatIf(page).getByRole('img', { name: /This passenger, age 30: \d+ %\.$/ })).toBeVisible();
  if (shots) {
    await page.screenshot({ path: `${shots}/calculator-${testInfo.project.name}.png`, fullPage: true });
    if (testInfo.project.name === 'phone') await result.screenshot({ path: `${shots}/calculator-explained-375.png` });
  }
  await result.getByText('Show as table').first().click();
  const table = result.getByRole('table', { name: /^Contributions to the Random forest answer/ });
  await expect(table.getByRole('row', { name: /^Sex female [+−]\d+ points?$/ })).toBeVisible();
});

test('a slow answer to older inputs never replaces the answer to newer ones', async ({ page }) => {
  // Counts the app's reads of prediction answers, so the test knows when a late one was handled.
  await page.addInitScript(() => {
    const read = Response.prototype.text;
    const counter = window as unknown as { answersRead: number };
    counter.answersRead = 0;
    Response.prototype.text = async function (this: Response) {
      const body = await read.call(this);
      if (new URL(this.url).pathname === '/api/inference') counter.answersRead += 1;
      return body;
    };
  });
  await page.goto('/');
  const probability = answers(page).getByTestId('probability');
  await expect(probability).toHaveText(/^\d{1,3}%$/);

  // The next prediction request is held until the test lets it go; later ones pass at once.
  let letGo = () => {};
  const held = new Promise<void>((resolve) => { letGo = resolve; });
  let first = true;
  await page.route('**/api/inference', async (route) => {
    if (first) {
      first = false;
      await held;
    }
    await route.continue();
  });

  const slowSent = page.waitForRequest((request) => asks(request, '/api/inference', { sex: 'female', pclass: 3 }));
  await page.getByLabel('Sex', { exact: true }).selectOption('female');
  const slow = await slowSent;
  const newer = answerTo(page, '/api/inference', { sex: 'female', pclass: 1 });
  await page.getByLabel('Ticket class', { exact: true }).selectOption('1');
  const latest = await (await newer).json();
  await expect(probability).toHaveText(percent(latest.prob));

  const readBefore = await page.evaluate(() => (window as unknown as { answersRead: number }).answersRead);
  const slowAnswered = page.waitForResponse((response) => response.request() === slow);
  letGo();
  const older = await (await slowAnswered).json();
  await page.waitForFunction((before) => (window as unknown as { answersRead: number }).answersRead > before, readBefore);
  expect(percent(older.prob), 'the two answers differ, or the test proves nothing').not.toBe(percent(latest.prob));
  await expect(probability).toHaveText(percent(latest.prob));
  await expect(answers(page)).toContainText('Likely survived');
});

test('both models answer side by side when asked', async ({ page, request }, testInfo) => {
  // The default SVM trains at the first start next to the forest: wait until both are active.
  await expect.poll(async () => {
    const response = await request.get('/api/inference/models');
    return response.ok() ? (await response.json()).length : 0;
  }, { timeout: 90_000 }).toBeGreaterThanOrEqual(2);
  await page.goto('/');
  await page.getByRole('radio', { name: 'Both side by side' }).check();

  const result = answers(page);
  const forest = result.getByRole('article', { name: 'Random forest' });
  const svm = result.getByRole('article', { name: 'SVM' });
  await expect(forest.getByTestId('probability')).toHaveText(/^\d{1,3}%$/);
  await expect(svm.getByTestId('probability')).toHaveText(/^\d{1,3}%$/);
  await expect(forest.getByTestId('answered-by')).toContainText('random forest');
  await expect(svm.getByTestId('answered-by')).toContainText('support vector machine');
  await expect(forest.getByRole('img', { name: /^Contributions to the Random forest answer/ })).toBeVisible();
  await expect(svm.getByRole('img', { name: /^Contributions to the SVM answer/ }).or(svm.getByTestId('no-explanation'))).toBeVisible();

  const [left, right] = [await forest.boundingBox(), await svm.boundingBox()];
  if (testInfo.project.name === 'desktop') {
    expect(right!.x, 'side by side').toBeGreaterThanOrEqual(left!.x + left!.width);
    if (shots) await page.screenshot({ path: `${shots}/calculator-both-desktop.png`, fullPage: true });
  } else {
    expect(right!.y, 'stacked').toBeGreaterThanOrEqual(left!.y + left!.height);
  }

  await page.getByRole('radio', { name: 'Random forest' }).check();
  await expect(result.getByTestId('probability')).toHaveCount(1);
});

test('the what-if curves and the verdict-flipping change are shown and tried from the keyboard', async ({ page }) => {
  await page.goto('/');
  await expect(answers(page).getByTestId('probability')).toBeVisible();
  const passenger = { pclass: 3, sex: 'female', age: 29, fare: 8.05 };
  const explored = answerTo(page, '/api/inference/what-if', passenger);
  await describe(page, { pclass: '3', sex: 'female', age: '29', fare: '8.05' });
  const answer = await (await explored).json();

  const panel = whatIf(page);
  await expect(panel.getByRole('img', { name: /^Chance of survival over age: .* This passenger, age 29: \d+ %\.$/ })).toBeVisible();
  await expect(panel.getByRole('img', { name: /^Chance of survival over fare: .* This passenger, fare £8\.05: \d+ %\.$/ })).toBeVisible();
  await expect(panel.getByText(/^The verdict flips if: .+ \(chance \d+ %\)\.$|^No change of up to two inputs flips the verdict\.$/)).toBeVisible();
  expect(answer.counterfactual, 'a passenger this close to 50 % has a change that flips the verdict').toBeTruthy();
  const flip = answer.counterfactual;

  // From the last field, Tab reaches the model choice, then (further on) "Try this".
  await page.getByLabel('Port of embarkation', { exact: true }).focus();
  await page.keyboard.press('Tab');
  await expect(page.getByRole('radio', { name: 'Random forest' })).toBeFocused();
  const tryThis = panel.getByRole('button', { name: 'Try this', exact: true });
  for (let step = 0; step < 12 && !(await tryThis.evaluate((button) => button === document.activeElement)); step++) {
    await page.keyboard.press('Tab');
  }
  await expect(tryThis).toBeFocused();

  const fields = ['pclass', 'sex', 'age', 'sibsp', 'parch', 'fare', 'embarked'] as const;
  const suggested: Passenger = Object.fromEntries(fields.map((field) => [field, flip.passenger[field]]));
  const reanswered = answerTo(page, '/api/inference', suggested);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'What if?' })).toBeFocused();
  await expect(page.getByLabel('Ticket class', { exact: true })).toHaveValue(String(flip.passenger.pclass));
  await expect(page.getByLabel('Fare (£)', { exact: true })).toHaveValue(flip.passenger.fare == null ? '' : String(flip.passenger.fare));
  await reanswered;
  await expect(answers(page).getByTestId('probability')).toHaveText(percent(flip.prob));
  await expect(answers(page)).toContainText(answer.prediction.survived ? 'Likely did not survive' : 'Likely survived');
});

test('an out-of-range age is flagged next to the field and clears the answer', async ({ page }) => {
  await page.goto('/');
  const probability = answers(page).getByTestId('probability');
  await expect(probability).toBeVisible();
  await page.getByLabel('Age (years)', { exact: true }).fill('130');
  await expect(page.getByText('must be between 0 and 120')).toBeVisible();
  await expect(probability).toHaveCount(0);
  await expect(answers(page)).toContainText('Correct the highlighted fields');
  await expect(whatIf(page).getByRole('img')).toHaveCount(0);
  await page.getByLabel('Age (years)', { exact: true }).fill('40');
  await expect(page.getByText('must be between 0 and 120')).toBeHidden();
  await expect(probability).toHaveText(/^\d{1,3}%$/);
});

test('a third-class young man is told he likely did not survive', async ({ page }) => {
  await page.goto('/');
  await describe(page, { pclass: '3', sex: 'male', age: '22', fare: '7.25' });
  await page.getByLabel('Siblings or spouses aboard', { exact: true }).fill('1');
  await expect(answers(page)).toContainText('Likely did not survive');
});

test('an unknown address shows the not-found page', async ({ page }) => {
  await page.goto('/no/such/page');
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
  await page.getByRole('link', { name: 'Back to the calculator' }).click();
  await expect(page.getByRole('heading', { name: /would they have survived/i })).toBeVisible();
});

test('the calculator, its charts included, fits a phone screen without sideways scrolling', async ({ page }) => {
  await page.goto('/');
  await expect(answers(page).getByRole('img').first()).toBeVisible();
  await expect(whatIf(page).getByRole('img').first()).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
});
