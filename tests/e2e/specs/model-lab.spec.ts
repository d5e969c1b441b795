import type { APIRequestContext, Page } from '@playwright/test';
import { test, expect } from '../support/test';
import { admin, logIn } from '../support/accounts';

// The model lab: a model's own page with every figure and chart, models compared side by
// side, and a slow training job followed from the Train page to the Jobs page and back.

const shots = process.env.LIFEBOAT_SCREENSHOT_DIR;

/** The admin's bearer token, for arranging models through the API. */
async function adminToken(request: APIRequestContext): Promise<string> {
  const response = await request.post('/api/auth/login', { data: admin });
  expect(response.status()).toBe(200);
  return (await response.json()).access_token;
}

/** Trains a model through the API, waits for it, and returns its id. */
async function train(request: APIRequestContext, token: string, body: object): Promise<string> {
  const headers = { authorization: `Bearer ${token}` };
  const started = await request.post('/api/training', { headers, data: body });
  expect(started.status()).toBe(202);
  const { job_id: jobId } = await started.json();
  let modelId = '';
  await expect.poll(async () => {
    const job = await (await request.get(`/api/training/${jobId}`, { headers })).json();
    modelId = job.model_id ?? '';
    return job.status;
  }, { timeout: 60_000 }).toBe('succeeded');
  return modelId;
}

/** A small forest (or a linear SVM), quick to train and evaluate. */
function quick(name: string, algorithm: 'random_forest' | 'svm' = 'random_forest', trees = 30) {
  return {
    name,
    algorithm,
    features: ['pclass', 'sex', 'age', 'sibsp', 'parch', 'fare', 'embarked'],
    params: algorithm === 'svm' ? { kernel: 'linear' } : { trees },
    evaluation: { folds: 3, importance_repeats: 2 },
  };
}

async function deleteModels(request: APIRequestContext, token: string, ids: string[]) {
  for (const id of ids.filter(Boolean)) {
    await request.delete(`/api/models/${id}`, { headers: { authorization: `Bearer ${token}` } });
  }
}

/** Closes the toasts (the login's welcome, say) so that they do not cover a screenshot. */
async function dismissToasts(page: Page) {
  // All at once in the page: a toast that times out meanwhile cannot leave a click waiting.
  await page.evaluate(() => document.querySelectorAll<HTMLButtonElement>('.toast-close').forEach((b) => b.click()));
  await expect(page.getByRole('button', { name: 'Dismiss' })).toHaveCount(0);
}

/** On a phone nothing may push the page wider than the screen: wide tables scroll in their box. */
async function expectNoSidewaysScroll(page: Page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
}

test('a model page shows every figure, the four charts and the confusion grid', async ({ page, request }, testInfo) => {
  test.setTimeout(120_000);
  const token = await adminToken(request);
  const name = `e2e lab ${testInfo.project.name} ${Date.now()}`;
  const id = await train(request, token, quick(name));
  try {
    await logIn(page, admin.email, admin.password);
    await page.getByRole('link', { name: 'Models', exact: true }).click();
    await page.getByRole('link', { name, exact: true }).click();
    await expect(page).toHaveURL(new RegExp(`/admin/models/${id}$`));
    await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();

    const figures = page.getByTestId('held-out-figures');
    for (const figure of ['Accuracy', 'Precision', 'Recall', 'F1', 'ROC AUC', 'Log loss', 'Brier score']) {
      await expect(figures.getByText(figure, { exact: true })).toBeVisible();
    }
    await expect(figures).not.toContainText('—');
    const grid = page.getByRole('table', { name: 'Confusion matrix of the held-out passengers' });
    await expect(grid.getByRole('rowheader', { name: 'Actually died' })).toBeVisible();
    await expect(grid.getByRole('rowheader', { name: 'Actually survived' })).toBeVisible();
    await expect(grid.getByRole('columnheader', { name: 'Predicted survived' })).toBeVisible();
    await expect(grid).toContainText('true positives');

    await expect(page.getByTestId('cv-figures')).toContainText('±');
    await expect(page.getByRole('table', { name: 'Each fold' }).getByRole('row')).toHaveCount(4); // header + 3 folds
    for (const chart of ['ROC curve', 'Precision–recall curve', 'Calibration', 'Permutation importance']) {
      const figure = page.getByRole('figure', { name: chart, exact: true });
      await expect(figure.getByRole('img')).toBeVisible();
    }
    await expect(page.getByRole('img', { name: /^ROC curve, .* area under the curve 0\.\d{3}$/ })).toBeVisible();
    await expect(page.getByRole('img', { name: /^Drop in held-out accuracy .*Sex/ })).toBeVisible();
    if (shots) {
      await dismissToasts(page);
      await page.screenshot({ path: `${shots}/model-page-${testInfo.project.name}.png`, fullPage: true });
    }
    await page.getByRole('figure', { name: 'Calibration', exact: true }).getByText('Show as table').click();
    await expect(page.getByRole('table', { name: 'Calibration bins' })).toBeVisible();

    const provenance = page.getByRole('region', { name: 'How it was trained' });
    await expect(provenance).toContainText(admin.email);
    await expect(provenance).toContainText('Data set sha256');
    await expect(provenance).toContainText(/[0-9a-f]{64}/);
    if (testInfo.project.name === 'phone') await expectNoSidewaysScroll(page);
  } finally {
    await deleteModels(request, token, [id]);
  }
});

test('a model trained before evaluations existed shows the rest and says what is missing', async ({ page, request }, testInfo) => {
  const token = await adminToken(request);
  const name = `e2e lab old ${testInfo.project.name} ${Date.now()}`;
  const id = await train(request, token, quick(name));
  try {
    // As the registry answers for a model from before evaluations were measured.
    await page.route(`**/api/models/${id}`, async (route) => {
      const response = await route.fetch();
      await route.fulfill({ response, json: { ...(await response.json()), evaluation: null } });
    });
    await logIn(page, admin.email, admin.password);
    await page.goto(`/admin/models/${id}`);
    await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
    await expect(page.getByTestId('no-evaluation')).toHaveText(
      'Cross-validation, curves and importance are not available for this model (trained before they were measured).');
    await expect(page.getByRole('table', { name: 'Confusion matrix of the held-out passengers' })).toBeVisible();
    await expect(page.getByTestId('held-out-figures')).toContainText('ROC AUC');
    await expect(page.getByTestId('held-out-figures')).toContainText('—');
    await expect(page.getByRole('figure')).toHaveCount(0);
    await expect(page.getByRole('region', { name: 'How it was trained' })).toContainText('Trees');
  } finally {
    await deleteModels(request, token, [id]);
  }
});

test('two models are compared side by side with the best of each row marked once', async ({ page, request }, testInfo) => {
  test.setTimeout(120_000);
  const token = await adminToken(request);
  const stamp = `${testInfo.project.name} ${Date.now()}`;
  const [forest, svm] = [`e2e compare forest ${stamp}`, `e2e compare svm ${stamp}`];
  const fillers = [1, 2, 3].map((n) => `e2e compare filler ${n} ${stamp}`);
  const ids: string[] = [];
  try {
    for (const filler of fillers) ids.push(await train(request, token, quick(filler, 'random_forest', 3)));
    ids.push(await train(request, token, quick(forest)));
    ids.push(await train(request, token, quick(svm, 'svm')));
    await logIn(page, admin.email, admin.password);
    await page.getByRole('link', { name: 'Models', exact: true }).click();
    const compare = page.getByRole('button', { name: 'Compare', exact: true });
    await expect(compare).toBeDisabled();

    // Four at most: the fifth box cannot be ticked until one is unticked.
    for (const name of [...fillers, forest]) await page.getByRole('checkbox', { name: `Compare ${name}` }).check();
    await expect(page.getByRole('checkbox', { name: `Compare ${svm}` })).toBeDisabled();
    for (const name of fillers) await page.getByRole('checkbox', { name: `Compare ${name}` }).uncheck();
    await page.getByRole('checkbox', { name: `Compare ${svm}` }).check();
    await compare.click();

    await expect(page.getByRole('heading', { level: 1, name: 'Compare models' })).toBeVisible();
    const table = page.getByTestId('compare-figures');
    await expect(table.getByRole('columnheader', { name: forest })).toBeVisible();
    await expect(table.getByRole('columnheader', { name: svm })).toBeVisible();
    const rocAuc = table.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'ROC AUC', exact: true }) });
    await expect(rocAuc.getByText('best', { exact: true })).toHaveCount(1);
    await expect(rocAuc).toContainText('from the best');
    const legend = page.getByRole('figure', { name: 'ROC curve', exact: true }).getByRole('listitem');
    await expect(legend).toHaveText([forest, svm]);
    const params = page.getByTestId('compare-params');
    await expect(params.getByRole('row').filter({ hasText: 'Algorithm' })).toContainText('differs');
    if (testInfo.project.name === 'phone') await expectNoSidewaysScroll(page);
    if (shots && testInfo.project.name === 'desktop') {
      await dismissToasts(page);
      await page.screenshot({ path: `${shots}/compare-desktop.png`, fullPage: true });
    }
  } finally {
    await deleteModels(request, token, ids);
  }
});

test('a slow training job is followed on the Jobs page and again back on the Train page', async ({ page, request }, testInfo) => {
  test.setTimeout(240_000);
  const name = `e2e slow ${testInfo.project.name} ${Date.now()}`;
  await logIn(page, admin.email, admin.password);
  await page.getByRole('link', { name: 'Train', exact: true }).click();
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Algorithm').selectOption('random_forest');
  await page.getByText('Parameters (optional)').click();
  // Every input shows its range and starts filled in (with the API's defaults).
  for (const label of ['Trees', 'Feature share', 'Bootstrap share', 'Seed', 'Cross-validation folds', 'Importance repeats']) {
    await expect(page.getByLabel(label, { exact: true })).toHaveValue(/^\d+(\.\d+)?$/);
  }
  await expect(page.locator('#trees-hint')).toHaveText('1–500');
  await expect(page.locator('#folds-hint')).toHaveText('2–10');
  await expect(page.locator('#importance_repeats-hint')).toHaveText(/^1–50/);
  await page.getByLabel('Trees').fill('500');
  await page.getByLabel('Deepest level').fill('');
  await page.getByLabel('Cross-validation folds').fill('10');
  await page.getByLabel('Importance repeats').fill('50');
  if (shots && testInfo.project.name === 'desktop') {
    await dismissToasts(page);
    await page.screenshot({ path: `${shots}/train-form-desktop.png`, fullPage: true });
  }
  if (testInfo.project.name === 'phone') await expectNoSidewaysScroll(page);
  await page.getByRole('button', { name: 'Start training' }).click();
  await expect(page.getByTestId('job-status')).toHaveText(/^(Queued|Running)$/);

  await page.getByRole('link', { name: 'Jobs', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Training jobs' })).toBeVisible();
  const row = page.getByRole('row').filter({ hasText: name });
  await expect(row).toContainText('Running');
  await expect(row).toContainText(admin.email);
  await expect(row).toContainText(/running for \d+ s/);
  if (testInfo.project.name === 'phone') await expectNoSidewaysScroll(page);
  if (shots && testInfo.project.name === 'desktop') {
    await dismissToasts(page);
    await page.screenshot({ path: `${shots}/jobs-desktop.png`, fullPage: true });
  }

  await page.getByRole('link', { name: 'Train', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: `Job “${name}”` })).toBeVisible();
  await expect(page.getByTestId('job-status')).toHaveText(/^Succeeded: \d+\.\d % accurate$/, { timeout: 200_000 });
  await page.getByRole('link', { name: 'Open its page' }).click();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  await expect(page.getByRole('region', { name: 'How it was trained' })).toContainText('500');
  const id = page.url().split('/').pop() ?? '';

  // The Jobs page links the finished job to its model.
  await page.getByRole('link', { name: 'Jobs', exact: true }).click();
  await expect(page.getByRole('row').filter({ hasText: name })).toContainText('Succeeded');
  await expect(page.getByRole('link', { name, exact: true })).toHaveAttribute('href', `/admin/models/${id}`);
  await deleteModels(request, await adminToken(request), [id]);
});

test('out-of-range parameters are named under their inputs, with the parameters unfolded', async ({ page }) => {
  await logIn(page, admin.email, admin.password);
  await page.goto('/admin/train');
  await page.getByLabel('Name').fill('out of range');
  await page.getByText('Parameters (optional)').click();
  await page.getByLabel('Trees').fill('0');
  await page.getByLabel('Cross-validation folds').fill('11');
  await page.getByLabel('Seed').fill('-1');
  await page.getByText('Parameters (optional)').click(); // folded again
  await page.getByRole('button', { name: 'Start training' }).click();
  await expect(page.locator('#trees-error')).toHaveText('must be a whole number from 1 to 500');
  await expect(page.locator('#trees-error')).toBeVisible();
  await expect(page.locator('#folds-error')).toHaveText('must be a whole number from 2 to 10');
  await expect(page.locator('#seed-error')).toHaveText('must not be negative');
  await expect(page.getByLabel('Trees')).toHaveAttribute('aria-invalid', 'true');
  await page.getByText('Parameters (optional)').click(); // folded once more
  await expect(page.locator('#trees-error')).toBeHidden();
  await page.getByRole('button', { name: 'Start training' }).click();
  await expect(page.locator('#trees-error')).toBeVisible();
  await expect(page.getByTestId('job-status')).toHaveCount(0);
});
