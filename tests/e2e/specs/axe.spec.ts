import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { APIRequestContext, Page } from '@playwright/test';
import { test, expect } from '../support/test';
import { admin, createUser, freshEmail, logIn } from '../support/accounts';
import { AxeAudit } from '../support/axe';

// axe-core (WCAG 2.0/2.1 A and AA) finds nothing on any page, in any of its states, for a
// visitor, a user and an admin, in the light and the dark colour scheme, on both projects'
// screens. Each test collects every finding and fails once with the whole list.

/** Waits until no part of the page still says it is loading. */
async function loaded(page: Page) {
  await expect(page.getByText(/^Loading/)).toHaveCount(0);
}

async function expectClean(audit: AxeAudit) {
  expect(audit.findings, `axe findings in ${audit.checked} checks`).toEqual([]);
}

test('the visitor\'s pages and their states have no accessibility violations', async ({ page }) => {
  test.setTimeout(120_000);
  const audit = new AxeAudit(page);

  await page.goto('/');
  const result = page.getByRole('region', { name: 'Prediction result' });
  await expect(result.getByTestId('probability').first()).toHaveText(/^\d{1,3}%$/);
  await expect(page.getByRole('heading', { name: 'What if?' })).toBeVisible();
  await audit.check('calculator with an answer');
  await page.getByRole('radio', { name: /Both/ }).check();
  await expect(result.getByTestId('probability')).toHaveCount(2);
  await audit.check('calculator with both models');
  await page.getByLabel('Age (years)', { exact: true }).fill('130');
  await expect(page.getByText('must be between 0 and 120')).toBeVisible();
  await audit.check('calculator with a validation error');

  await page.goto('/login');
  await audit.check('login');
  await page.getByLabel('E-mail').fill('not an address');
  await page.getByLabel('Password').fill('x');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.locator('#email-error')).not.toBeEmpty();
  await audit.check('login with field errors');

  await page.goto('/signup');
  await page.getByLabel('E-mail').fill('not an address');
  await page.getByLabel('Password').fill('short');
  await page.getByRole('button', { name: 'Sign up' }).click();
  await expect(page.locator('#password-error')).not.toBeEmpty();
  await audit.check('signup with field errors');

  await page.goto('/data');
  await loaded(page);
  await expect(page.getByRole('figure').first()).toBeVisible();
  await audit.check('data explorer');
  for (const summary of await page.getByText('Show as table').all()) await summary.click();
  await audit.check('data explorer with its tables shown');

  await page.goto('/no/such/page');
  await audit.check('not found');
  await page.goto('/admin/models');
  await expect(page.getByRole('heading', { name: 'Log in' })).toBeVisible();
  await audit.check('an admin page sends a visitor to log in');
  await expectClean(audit);
});

test('the server\'s refusals on the login and signup forms have no accessibility violations', async ({ page, request }) => {
  // One failed login per project: the suite's address may fail 20 in 15 minutes.
  const audit = new AxeAudit(page);
  const user = await createUser(request, 'e2e-axe-forms');
  await page.goto('/login');
  await page.getByLabel('E-mail').fill(user.email);
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Wrong e-mail or password.' })).toBeVisible();
  await audit.check('login with a wrong password');

  await page.goto('/signup');
  await page.getByLabel('E-mail').fill(user.email);
  await page.getByLabel('Password').fill('another long password');
  await page.getByRole('button', { name: 'Sign up' }).click();
  await expect(page.getByText('is already registered')).toBeVisible();
  await audit.check('signup with a taken e-mail');
  await expectClean(audit);
});

test('a signed-in user\'s pages and their states have no accessibility violations', async ({ page, request }, testInfo) => {
  test.setTimeout(120_000);
  const audit = new AxeAudit(page);
  const user = await createUser(request, 'e2e-axe-user');
  await logIn(page, user.email, user.password);
  await audit.check('calculator signed in, with the welcome toast');

  await page.getByRole('link', { name: 'My predictions' }).click();
  await loaded(page);
  await expect(page.getByRole('heading', { name: 'My predictions' })).toBeVisible();
  await audit.check('history, empty');
  await page.goto('/?pclass=1&sex=female&age=30&sibsp=0&parch=0&fare=80&embarked=S');
  await expect(page.getByRole('region', { name: 'Prediction result' }).getByTestId('probability')).toHaveText(/^\d{1,3}%$/);
  await page.getByRole('link', { name: 'My predictions' }).click();
  await expect(page.getByRole('table')).toBeVisible();
  await audit.check('history with entries');

  await page.getByRole('link', { name: 'Batch' }).click();
  await loaded(page);
  await audit.check('batch');
  const file = path.join(os.tmpdir(), `lifeboat-e2e-axe-${testInfo.project.name}-${Date.now()}.csv`);
  fs.writeFileSync(file, 'PassengerId,Survived,Pclass,Sex,Age,SibSp,Parch,Fare,Embarked\n'
    + '1,0,3,male,22,1,0,7.25,S\n2,1,1,female,38,1,0,71.28,C\n3,1,3,female,old,0,0,7.92,S\n');
  await page.getByLabel('CSV file').setInputFiles(file);
  await page.getByRole('button', { name: 'Predict the file' }).click();
  await expect(page.getByRole('button', { name: /Download submission CSV/ })).toBeVisible();
  await audit.check('batch with a result and a refused line');
  fs.writeFileSync(file, 'Name,Ticket\nBraund,A/5 21171\n');
  await page.getByLabel('CSV file').setInputFiles(file);
  await page.getByRole('button', { name: 'Predict the file' }).click();
  await expect(page.getByTestId('batch-error')).toContainText('The file was refused');
  await audit.check('batch with an error');
  fs.rmSync(file, { force: true });

  await page.getByTestId('who').click();
  await expect(page.getByRole('heading', { name: 'Your account' })).toBeVisible();
  await audit.check('account');
  const form = page.getByRole('form', { name: 'Change your password' });
  await form.getByLabel('New password').fill('short');
  await form.getByRole('button', { name: 'Change password' }).click();
  await expect(form.getByLabel('New password')).toHaveAttribute('aria-invalid', 'true');
  await audit.check('account with field errors');
  await page.getByLabel('Password to confirm').fill('anything at all');
  await page.getByLabel('Password to confirm').press('Enter');
  await expect(page.getByRole('dialog', { name: 'Delete your account?' })).toBeVisible();
  await audit.check('account with the delete confirmation open');
  await page.keyboard.press('Escape');

  await page.goto('/admin/users');
  await expect(page.getByRole('heading', { name: 'Not allowed' })).toBeVisible();
  await audit.check('an admin page refused to a user');
  await expectClean(audit);
});

/** The ids of the first two models in the registry (the stack trains two at start). */
async function twoModels(request: APIRequestContext, page: Page): Promise<string[]> {
  const token = await page.evaluate(() => JSON.parse(localStorage.getItem('lifeboat.session')!).token as string);
  const models = await (await request.get('/api/models', { headers: { authorization: `Bearer ${token}` } })).json();
  return models.items.slice(0, 2).map((m: { id: string }) => m.id);
}

test('the admin\'s pages and their states have no accessibility violations', async ({ page, request }) => {
  test.setTimeout(120_000);
  const audit = new AxeAudit(page);
  await logIn(page, admin.email, admin.password);

  await page.getByRole('link', { name: 'Models', exact: true }).click();
  await loaded(page);
  await expect(page.getByRole('table')).toBeVisible();
  await audit.check('models');
  const [first, second] = await twoModels(request, page);
  await page.goto(`/admin/models/${first}`);
  await loaded(page);
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  for (const summary of await page.getByText('Show as table').all()) await summary.click();
  await audit.check('a model\'s page with its tables shown');
  await page.goto(`/admin/models/compare?ids=${first},${second}`);
  await loaded(page);
  await expect(page.getByRole('table').first()).toBeVisible();
  await audit.check('two models compared');
  await page.goto('/admin/models/compare?ids=');
  await loaded(page);
  await audit.check('compare without models');

  await page.getByRole('link', { name: 'Train', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Train a model' })).toBeVisible();
  await audit.check('train');
  await page.getByText('Parameters (optional)').click();
  await page.getByLabel('Trees').fill('0');
  await page.getByRole('button', { name: 'Start training' }).click();
  await expect(page.locator('#name-error')).toHaveText('is required');
  await audit.check('train with validation errors');

  await page.getByRole('link', { name: 'Jobs', exact: true }).click();
  await loaded(page);
  await audit.check('jobs');
  await page.getByRole('link', { name: 'Users', exact: true }).click();
  await loaded(page);
  await expect(page.getByRole('table')).toBeVisible();
  await audit.check('users');
  await page.getByRole('link', { name: 'Usage', exact: true }).click();
  await loaded(page);
  await page.getByText('Show as table').click();
  await audit.check('usage with its table shown');
  await expectClean(audit);
});

test('a fresh visitor\'s signup succeeds without accessibility violations on the way', async ({ page }) => {
  const audit = new AxeAudit(page);
  await page.goto('/signup');
  await page.getByLabel('E-mail').fill(freshEmail('e2e-axe-signup'));
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByRole('button', { name: 'Sign up' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Account created' })).toBeVisible();
  await audit.check('signed up, with the success toast');
  await expectClean(audit);
});
