import { test, expect } from '../support/test';
import { createUser, freshEmail, logIn } from '../support/accounts';

// Sign-up, login, a session that survives a reload, log-out, and what the forms say when
// something is wrong.

test('a new user signs up, predicts, reloads and is still logged in, then logs out', async ({ page }) => {
  const email = freshEmail('e2e-signup');
  await page.goto('/');
  await page.getByRole('link', { name: 'Sign up' }).click();
  await expect(page.getByRole('heading', { name: 'Create an account' })).toBeVisible();

  await page.getByLabel('E-mail').fill('not-an-address');
  await expect(page.getByText('must be an e-mail address like name@example.com')).toBeVisible();
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill('short');
  await expect(page.getByText('must be at least 8 characters')).toBeVisible();
  await page.getByLabel('Password').fill('a long enough password');
  await expect(page.getByText('must be at least 8 characters')).toBeHidden();
  await page.getByRole('button', { name: 'Sign up' }).click();

  await expect(page.getByRole('status').filter({ hasText: 'Account created' })).toBeVisible();
  await expect(page).toHaveURL(/\/$/);
  const who = page.getByTestId('who');
  await expect(who).toContainText(email);
  await expect(who).toContainText('user');

  await expect(page.getByRole('region', { name: 'Prediction result' }).getByTestId('probability'))
    .toHaveText(/^\d{1,3}%$/);

  await page.reload();
  await expect(page.getByTestId('who')).toContainText(email);

  await page.getByRole('button', { name: 'Log out' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'You are logged out.' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Log in' })).toBeVisible();
  await page.reload();
  await expect(page.getByRole('link', { name: 'Log in' })).toBeVisible();
});

test('signing up with a registered e-mail says so next to the field', async ({ page, request }) => {
  const user = await createUser(request, 'e2e-taken');
  await page.goto('/signup');
  await page.getByLabel('E-mail').fill(user.email.toUpperCase());
  await page.getByLabel('Password').fill('another long password');
  await page.getByRole('button', { name: 'Sign up' }).click();
  await expect(page.getByText('is already registered')).toBeVisible();
  await expect(page.getByLabel('E-mail')).toHaveAttribute('aria-invalid', 'true');
});

test('a wrong password is refused on the form', async ({ page, request }) => {
  const user = await createUser(request, 'e2e-wrong');
  await page.goto('/login');
  await page.getByLabel('E-mail').fill(user.email);
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Wrong e-mail or password.' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Log in' })).toBeVisible();
});

test('repeated failures are throttled and the form says when to try again', async ({ page, request }, testInfo) => {
  // Failures count per client too; one project is enough to show the message.
  test.skip(testInfo.project.name !== 'desktop', 'runs once');
  const user = await createUser(request, 'e2e-throttle');
  await page.goto('/login');
  await page.getByLabel('E-mail').fill(user.email);
  await page.getByLabel('Password').fill('not the password');
  const message = page.getByRole('alert').filter({ hasText: /Too many attempts: try again in \d+ s\./ });
  for (let attempt = 1; attempt <= 6 && !(await message.isVisible()); attempt++) {
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect(page.getByRole('button', { name: 'Log in' })).toBeEnabled();
  }
  await expect(message).toBeVisible();
  // The right password is refused too while the account is throttled.
  await page.getByLabel('Password').fill(user.password);
  const answer = page.waitForResponse('**/api/auth/login');
  await page.getByRole('button', { name: 'Log in' }).click();
  expect((await answer).status()).toBe(429);
  await expect(message).toBeVisible();
  await expect(page.getByRole('link', { name: 'Log in' })).toBeVisible();
});

test('a session the server no longer accepts ends with a toast and a way back in', async ({ page }) => {
  // A well-formed token with an admin claim and a future expiry, but not signed by us.
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const exp = Math.floor(Date.now() / 1000) + 3600;
  const token = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({
    sub: '00000000-0000-4000-8000-000000000001', role: 'admin', exp,
  })}.${b64({ forged: true })}`;
  await page.goto('/');
  await page.evaluate(([t, e]) => localStorage.setItem('lifeboat.session', JSON.stringify({
    token: t, email: 'forger@example.com', user_id: '00000000-0000-4000-8000-000000000001',
    role: 'admin', expires_at: e,
  })), [token, exp] as const);
  await page.goto('/admin/models');
  await expect(page.getByRole('alert').filter({ hasText: 'Your session has expired' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Log in' })).toBeVisible();
  expect(await page.evaluate(() => localStorage.getItem('lifeboat.session'))).toBeNull();
});

test('an expired access token is refreshed when the app loads, and without a refresh token the session is dropped', async ({ page, request }) => {
  const user = await createUser(request, 'e2e-expired');
  await logIn(page, user.email, user.password);
  const expire = (dropRefresh: boolean) => page.evaluate((drop) => {
    const s = JSON.parse(localStorage.getItem('lifeboat.session')!);
    s.expires_at = Math.floor(Date.now() / 1000) - 5;
    if (drop) delete s.refresh_token;
    localStorage.setItem('lifeboat.session', JSON.stringify(s));
    return s.refresh_token as string | undefined;
  }, dropRefresh);

  const spent = await expire(false);
  const refreshed = page.waitForResponse('**/api/auth/refresh');
  await page.reload();
  expect((await refreshed).status()).toBe(200);
  await expect(page.getByTestId('who')).toContainText(user.email);
  const stored = await page.evaluate(() => JSON.parse(localStorage.getItem('lifeboat.session')!));
  expect(stored.refresh_token).toBeTruthy();
  expect(stored.refresh_token).not.toBe(spent);
  expect(stored.expires_at).toBeGreaterThan(Date.now() / 1000 + 3000);

  await expire(true);
  await page.reload();
  await expect(page.getByRole('link', { name: 'Log in' })).toBeVisible();
});
