import type { APIRequestContext, Page } from '@playwright/test';
import { test, expect } from '../support/test';
import { admin, createUser, logIn } from '../support/accounts';

// Sessions end on the server: logging out stops the token at once, a refresh token used
// twice ends the session in the browser too, and a role change counts from the next request.

const stored = (page: Page) =>
  page.evaluate(() => JSON.parse(localStorage.getItem('lifeboat.session') ?? 'null'));

async function apiToken(request: APIRequestContext, email: string, password: string) {
  const response = await request.post('/api/auth/login', { data: { email, password } });
  expect(response.status()).toBe(200);
  return (await response.json()).access_token as string;
}

test('logging out ends the session on the server, not only in the browser', async ({ page, request }) => {
  const user = await createUser(request, 'e2e-logout');
  await logIn(page, user.email, user.password);
  const { token } = await stored(page);
  const bearer = { authorization: `Bearer ${token}` };
  expect((await request.get('/api/me', { headers: bearer })).status()).toBe(200);

  await page.getByRole('button', { name: 'Log out' }).click();
  await expect(page.getByRole('link', { name: 'Log in' })).toBeVisible();
  await expect.poll(async () => (await request.get('/api/me', { headers: bearer })).status()).toBe(401);
});

test('a refresh token presented a second time ends the session in the browser', async ({ page, request }) => {
  await logIn(page, admin.email, admin.password);
  // Make the app refresh on the next load, and keep the refresh token it spends.
  const spent: string = await page.evaluate(() => {
    const s = JSON.parse(localStorage.getItem('lifeboat.session')!);
    s.expires_at = Math.floor(Date.now() / 1000) - 5;
    localStorage.setItem('lifeboat.session', JSON.stringify(s));
    return s.refresh_token;
  });
  const refreshed = page.waitForResponse('**/api/auth/refresh');
  await page.reload();
  expect((await refreshed).status()).toBe(200);
  await expect(page.getByTestId('who')).toContainText(admin.email);
  // The calculator has answered and explored (with whichever token it had by then): no call
  // of its own is left to meet the ended session before the click below does.
  await expect(page.getByRole('region', { name: 'Prediction result' }).getByTestId('probability')).toHaveText(/^\d{1,3}%$/);
  await expect(page.getByRole('region', { name: 'What if?' }).getByRole('img').first()).toBeVisible();

  // A copy of the spent token is presented: refused, and the session is over for everyone.
  const replay = await request.post('/api/auth/refresh', { data: { refresh_token: spent } });
  expect(replay.status()).toBe(401);

  await page.getByRole('link', { name: 'Models' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Your session has expired' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Log in' }).first()).toBeVisible();
});

test('a role taken away counts from the next request, with the same token', async ({ page, request }) => {
  const user = await createUser(request, 'e2e-demoted');
  const adminToken = await apiToken(request, admin.email, admin.password);
  const userToken = await apiToken(request, user.email, user.password);
  const me = await (await request.get('/api/me', { headers: { authorization: `Bearer ${userToken}` } })).json();
  const setRole = async (role: string) => {
    const response = await request.patch(`/api/admin/users/${me.id}`, {
      headers: { authorization: `Bearer ${adminToken}` },
      data: { role },
    });
    expect(response.status()).toBe(200);
  };

  await setRole('admin');
  await logIn(page, user.email, user.password);
  await page.getByRole('link', { name: 'Models' }).click();
  await expect(page.getByRole('table')).toBeVisible();

  await setRole('user');
  await page.reload();
  await expect(page.getByText('your role does not allow this')).toBeVisible();
  await expect(page.getByRole('table')).toHaveCount(0);
});
