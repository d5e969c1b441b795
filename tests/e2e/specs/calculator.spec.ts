import { test, expect } from '../support/test';

// A visitor describes a passenger and gets the survival probability from the real stack.

const shots = process.env.LIFEBOAT_SCREENSHOT_DIR;

test('a visitor predicts the survival of a first-class woman', async ({ page }, testInfo) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: /would they have survived/i })).toBeVisible();

  await page.getByLabel('Ticket class').selectOption('1');
  await page.getByLabel('Sex').selectOption('female');
  await page.getByLabel('Age (years)').fill('30');
  await page.getByLabel('Fare (£)').fill('80');
  await page.getByLabel('Port of embarkation').selectOption('C');
  await page.getByRole('button', { name: 'Calculate survival' }).click();

  const result = page.getByRole('status', { name: 'Prediction result' });
  await expect(result.getByTestId('probability')).toHaveText(/^\d{1,3}%$/);
  await expect(result).toContainText('Likely survived');
  await expect(page.getByRole('meter', { name: 'Survival probability' })).toBeVisible();
  const percent = parseInt(await result.getByTestId('probability').innerText(), 10);
  expect(percent).toBeGreaterThan(50);

  if (shots) {
    await page.screenshot({ path: `${shots}/calculator-${testInfo.project.name}.png`, fullPage: true });
  }
});

test('a third-class young man is told he likely did not survive', async ({ page }) => {
  await page.goto('/');
  await page.getByLabel('Ticket class').selectOption('3');
  await page.getByLabel('Sex').selectOption('male');
  await page.getByLabel('Age (years)').fill('22');
  await page.getByLabel('Siblings or spouses aboard').fill('1');
  await page.getByLabel('Fare (£)').fill('7.25');
  await page.getByRole('button', { name: 'Calculate survival' }).click();
  await expect(page.getByRole('status', { name: 'Prediction result' })).toContainText('Likely did not survive');
});

test('an out-of-range age is flagged next to the field and blocks the request', async ({ page }) => {
  await page.goto('/');
  await page.getByLabel('Age (years)').fill('130');
  await expect(page.getByText('must be between 0 and 120')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Calculate survival' })).toBeDisabled();
  await page.getByLabel('Age (years)').fill('40');
  await expect(page.getByText('must be between 0 and 120')).toBeHidden();
  await expect(page.getByRole('button', { name: 'Calculate survival' })).toBeEnabled();
});

test('an unknown address shows the not-found page', async ({ page }) => {
  await page.goto('/no/such/page');
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
  await page.getByRole('link', { name: 'Back to the calculator' }).click();
  await expect(page.getByRole('heading', { name: /would they have survived/i })).toBeVisible();
});

test('the calculator fits a phone screen without sideways scrolling', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('button', { name: 'Calculate survival' })).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
});
