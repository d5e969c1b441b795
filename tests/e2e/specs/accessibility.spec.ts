import type { Page } from '@playwright/test';
import { test, expect } from '../support/test';
import { admin, logIn } from '../support/accounts';

// Every input has a label, every button a name, and the main tasks work from the keyboard.

async function unnamedControls(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    for (const input of document.querySelectorAll('input, select, textarea')) {
      const el = input as HTMLInputElement;
      if (el.type === 'hidden') continue;
      if (!el.labels?.length && !el.getAttribute('aria-label')) problems.push(`unlabelled ${el.outerHTML.slice(0, 80)}`);
    }
    for (const button of document.querySelectorAll('button, a')) {
      const name = (button.getAttribute('aria-label') ?? button.textContent ?? '').trim();
      if (!name) problems.push(`nameless ${button.outerHTML.slice(0, 80)}`);
    }
    return problems;
  });
}

test('every input is labelled and every button and link is named, on every page', async ({ page }) => {
  for (const path of ['/', '/login', '/signup', '/data', '/no/such/page']) {
    await page.goto(path);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    expect(await unnamedControls(page), path).toEqual([]);
  }
  await logIn(page, admin.email, admin.password);
  for (const [path, heading] of [['/admin/models', 'Models'], ['/admin/train', 'Train a model'], ['/admin/jobs', 'Training jobs'],
    ['/admin/users', 'Users'], ['/admin/usage', 'Usage'], ['/account', 'Your account'], ['/predictions', 'My predictions'],
    ['/batch', 'Batch predictions']]) {
    await page.goto(path);
    await expect(page.getByRole('heading', { name: heading })).toBeVisible();
    await expect(page.getByText(/^Loading/)).toHaveCount(0);
    expect(await unnamedControls(page), path).toEqual([]);
  }
});

test('a visitor predicts and logs in with the keyboard alone', async ({ page }) => {
  await page.goto('/');
  // Exact labels: the charts' descriptions name the inputs too.
  await page.getByLabel('Ticket class', { exact: true }).focus();
  await page.keyboard.press('Tab'); // Sex
  await page.keyboard.press('Tab'); // Age
  await expect(page.getByLabel('Age (years)', { exact: true })).toBeFocused();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type('130');
  await expect(page.getByText('must be between 0 and 120')).toBeVisible();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type('40');
  await expect(page.getByText('must be between 0 and 120')).toBeHidden();
  // The answer follows the inputs: no button to reach.
  await expect(page.getByRole('region', { name: 'Prediction result' }).getByTestId('probability'))
    .toHaveText(/^\d{1,3}%$/);

  await page.goto('/login');
  await page.getByLabel('E-mail').focus();
  await page.keyboard.type(admin.email);
  await page.keyboard.press('Tab');
  await page.keyboard.type(admin.password);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('who')).toContainText(admin.email);
});

test('a confirmation dialog takes the focus, closes with Escape and gives the focus back', async ({ page }) => {
  await logIn(page, admin.email, admin.password);
  await page.goto('/account');
  const password = page.getByLabel('Password to confirm');
  await password.fill('anything at all');
  await password.press('Enter');
  const dialog = page.getByRole('dialog', { name: 'Delete your account?' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('who')).toContainText(admin.email);
});
