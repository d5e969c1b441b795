import { test, expect } from '../support/test';
import { AxeAudit } from '../support/axe';
import { admin, createUser, freshEmail, logIn } from '../support/accounts';
import { linkInMail } from '../support/mail';

// A forgotten password and a new address, through the real mail: the stack sends to the
// mail catcher, and the browser follows the link from the mail as a person would.

test('a forgotten password is reset through the mailed link, and the old one stops working', async ({ page, request }) => {
  const audit = new AxeAudit(page);
  const user = await createUser(request, 'e2e-forgot');
  await page.goto('/login');
  await page.getByRole('link', { name: 'Forgot password?' }).click();
  await expect(page.getByRole('heading', { name: 'Forgot your password?' })).toBeVisible();
  await page.getByLabel('E-mail').fill('not-an-address');
  await page.getByRole('button', { name: 'Send me a link' }).click();
  await expect(page.getByText('must be an e-mail address like name@example.com')).toBeVisible();
  await audit.check('forgot with a field error');
  await page.getByLabel('E-mail').fill(user.email);
  await page.getByRole('button', { name: 'Send me a link' }).click();
  await expect(page.getByTestId('forgot-answer')).toContainText('If an account has this address');
  await audit.check('forgot, answered');

  const link = await linkInMail(request, user.email, 'Choose a new Lifeboat password', '/reset');
  await page.goto(link);
  await expect(page.getByRole('heading', { name: 'Choose a new password' })).toBeVisible();
  await page.getByLabel('New password', { exact: true }).fill('short');
  await expect(page.getByText('must be at least 8 characters')).toBeVisible();
  await audit.check('reset with a field error');
  await page.getByLabel('New password', { exact: true }).fill('a brand new password');
  await page.getByRole('button', { name: 'Set my new password' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Password changed' })).toBeVisible();
  await expect(page).toHaveURL(/\/login$/);

  // The link worked once.
  await page.goto(link);
  await page.getByLabel('New password', { exact: true }).fill('yet another password');
  await page.getByRole('button', { name: 'Set my new password' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'This link no longer works' })).toBeVisible();
  await audit.check('reset with a used link');

  await page.goto('/login');
  await page.getByLabel('E-mail').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Wrong e-mail or password.' })).toBeVisible();
  await logIn(page, user.email, 'a brand new password');
  expect(audit.findings, `axe findings in ${audit.checked} checks`).toEqual([]);
});

test('a new account confirms its address through the mailed link, and the banner goes', async ({ page, request }) => {
  const audit = new AxeAudit(page);
  const email = freshEmail('e2e-verify');
  await page.goto('/signup');
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill('a long enough password');
  await page.getByRole('button', { name: 'Sign up' }).click();
  const banner = page.getByTestId('verify-banner');
  await expect(banner).toContainText(email);
  await audit.check('calculator with the banner');

  // A new link ends the first one.
  const first = await linkInMail(request, email, 'Confirm your Lifeboat e-mail address', '/verify');
  await banner.getByRole('button', { name: 'Send a new link' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'A new link is on its way' })).toBeVisible();
  let second = first;
  await expect.poll(async () => {
    second = await linkInMail(request, email, 'Confirm your Lifeboat e-mail address', '/verify');
    return second;
  }).not.toBe(first);

  await page.goto(first);
  await expect(page.getByRole('alert').filter({ hasText: 'This link no longer works' })).toBeVisible();
  await page.goto(second);
  await expect(page.getByTestId('verify-answer')).toContainText('your address is confirmed');
  await expect(banner).toHaveCount(0);
  await audit.check('verified');
  await page.getByTestId('who').click();
  await expect(page.getByTestId('email-status')).toContainText('confirmed');
  await expect(page.getByTestId('email-status')).not.toContainText('not confirmed');
  expect(audit.findings, `axe findings in ${audit.checked} checks`).toEqual([]);
});

test('an admin makes a one-time reset link for a user in Admin → Users', async ({ page, request }) => {
  const user = await createUser(request, 'e2e-adminlink');
  await logIn(page, admin.email, admin.password);
  await page.goto('/admin/users');
  // The newest account is on the first page.
  await page.getByRole('button', { name: `Make a reset link for ${user.email}` }).click();
  const made = page.getByTestId('reset-link');
  await expect(made).toContainText(user.email);
  const link = await made.getByRole('textbox').inputValue();
  expect(link).toMatch(/\/reset\?token=[\w-]{43}$/);
  const audit = new AxeAudit(page);
  await audit.check('users with a reset link');
  expect(audit.findings, `axe findings in ${audit.checked} checks`).toEqual([]);

  await page.getByRole('button', { name: 'Log out' }).click();
  await page.goto(link);
  await page.getByLabel('New password', { exact: true }).fill('set by the admin link');
  await page.getByRole('button', { name: 'Set my new password' }).click();
  await expect(page).toHaveURL(/\/login$/);
  await logIn(page, user.email, 'set by the admin link');
});
