import type { Page } from '@playwright/test';
import { test, expect } from '../support/test';
import { admin, createUser, logIn } from '../support/accounts';

// The admin's round trip: train a model, watch the job finish, activate the model, see it
// answer a prediction, delete it; and change a user's role.

const shots = process.env.LIFEBOAT_SCREENSHOT_DIR;

async function activeModelOf(page: Page, algorithm: string): Promise<string | null> {
  const row = page.getByRole('row').filter({ hasText: algorithm }).filter({ hasText: 'Active' });
  return (await row.count()) > 0 ? row.first().getByRole('rowheader').innerText() : null;
}

for (const [algorithm, label, fill] of [
  ['random_forest', 'Random forest', async (page: Page) => {
    await page.getByLabel('Trees').fill('25');
  }],
  ['svm', 'SVM', async (page: Page) => {
    await page.getByLabel('Kernel', { exact: true }).selectOption('linear');
  }],
] as const) {
  test(`the admin trains a ${label} model, activates it, predicts with it and deletes it`, async ({ page }, testInfo) => {
    test.setTimeout(120_000);
    const name = `e2e ${algorithm} ${testInfo.project.name} ${Date.now()}`;
    await logIn(page, admin.email, admin.password);

    await page.getByRole('link', { name: 'Models' }).click();
    await expect(page.getByRole('heading', { name: 'Models' })).toBeVisible();
    await expect(page.getByRole('table')).toBeVisible();
    const previouslyActive = await activeModelOf(page, label);

    await page.getByRole('link', { name: 'Train', exact: true }).click();
    await page.getByLabel('Name').fill(name);
    await page.getByLabel('Algorithm').selectOption(algorithm);
    await page.getByText('Parameters (optional)').click();
    await fill(page);
    await page.getByRole('checkbox', { name: 'Travelling alone (derived)' }).check();
    if (shots && algorithm === 'random_forest') {
      await page.screenshot({ path: `${shots}/train-${testInfo.project.name}.png`, fullPage: true });
    }
    await page.getByRole('button', { name: 'Start training' }).click();
    await expect(page.getByRole('status').filter({ hasText: `Training “${name}” started.` })).toBeVisible();
    await expect(page.getByTestId('job-status')).toHaveText(/^Succeeded: \d+\.\d % accurate$/, { timeout: 90_000 });
    await expect(page.getByRole('status').filter({ hasText: `“${name}” is trained` })).toBeVisible();

    await page.getByRole('link', { name: 'See it in the models list' }).click();
    const row = page.getByRole('row').filter({ hasText: name });
    await expect(row).toBeVisible();
    await expect(row).toContainText(label);
    await expect(row).toContainText('is_alone');
    await expect(page.getByRole('figure')).toContainText('Accuracy on the held-out 20 %');
    await expect(page.getByRole('img', { name: new RegExp(`^${name}: \\d+\\.\\d %$`) })).toBeVisible();

    await row.getByRole('button', { name: `Activate ${name}` }).click();
    await expect(page.getByRole('status').filter({ hasText: `“${name}” now answers` })).toBeVisible();
    await expect(row).toContainText('Active');
    if (shots && algorithm === 'random_forest') {
      await page.screenshot({ path: `${shots}/models-${testInfo.project.name}.png`, fullPage: true });
    }

    if (algorithm === 'random_forest') {
      // The calculator asks the active forest by default: ours now.
      await page.getByRole('link', { name: 'Calculator' }).click();
      await expect(page.getByTestId('answered-by')).toContainText(`“${name}”`);
      await page.getByRole('link', { name: 'Models' }).click();
    }

    if (previouslyActive) {
      await page.getByRole('row').filter({ hasText: previouslyActive })
        .getByRole('button', { name: `Activate ${previouslyActive}` }).click();
      await expect(row).not.toContainText('Active');
    }
    await row.getByRole('button', { name: `Delete ${name}` }).click();
    await row.getByRole('button', { name: `Really delete ${name}` }).click();
    await expect(page.getByRole('status').filter({ hasText: `Model “${name}” deleted.` })).toBeVisible();
    await expect(page.getByRole('row').filter({ hasText: name })).toHaveCount(0);
  });
}

test('an invalid training form names the fields and starts nothing', async ({ page }) => {
  await logIn(page, admin.email, admin.password);
  await page.goto('/admin/train');
  for (const feature of ['Ticket class', 'Sex', 'Age', 'Siblings or spouses aboard', 'Parents or children aboard', 'Fare', 'Port of embarkation']) {
    await page.getByRole('checkbox', { name: feature, exact: true }).uncheck();
  }
  await page.getByRole('button', { name: 'Start training' }).click();
  await expect(page.locator('#name-error')).toHaveText('is required');
  await expect(page.locator('#features-error')).not.toBeEmpty();
  await expect(page.getByTestId('job-status')).toHaveCount(0);
});

test('the admin makes a user an admin on the users page', async ({ page, request }) => {
  const user = await createUser(request, 'e2e-promote');
  await logIn(page, admin.email, admin.password);
  await page.getByRole('link', { name: 'Users' }).click();
  const role = page.getByLabel(`Role of ${user.email}`);
  await expect(role).toHaveValue('user');
  await role.selectOption('admin');
  await expect(page.getByRole('status').filter({ hasText: `${user.email} is now admin.` })).toBeVisible();
  await page.reload();
  await expect(page.getByLabel(`Role of ${user.email}`)).toHaveValue('admin');
});

test('the users list shows ten people a page with working page controls', async ({ page, request }, testInfo) => {
  test.skip(testInfo.project.name !== 'desktop', 'runs once');
  for (let i = 0; i < 11; i++) await createUser(request, 'e2e-paging');
  await logIn(page, admin.email, admin.password);
  await page.goto('/admin/users');
  const pager = page.getByRole('navigation', { name: 'User pages' });
  await expect(pager).toContainText(/Page 1 of ([2-9]|\d\d+)/);
  await expect(page.getByRole('table').getByRole('row')).toHaveCount(11); // header + 10
  await expect(pager.getByRole('button', { name: '← Previous' })).toBeDisabled();
  await pager.getByRole('button', { name: 'Next →' }).click();
  await expect(pager).toContainText(/Page 2 of/);
  await expect(pager.getByRole('button', { name: '← Previous' })).toBeEnabled();
});
