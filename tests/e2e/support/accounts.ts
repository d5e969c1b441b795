import { expect, Page, APIRequestContext } from '@playwright/test';

// Accounts the browser specs use: the admin the stack was started with, and fresh users.

export const admin = {
  email: process.env.LIFEBOAT_ADMIN_EMAIL ?? 'admin@lifeboat.test',
  password: process.env.LIFEBOAT_ADMIN_PASSWORD ?? 'local-admin-password',
};

export function freshEmail(prefix: string): string {
  return `${prefix}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
}

/** Creates an account through the API and returns its credentials. */
export async function createUser(request: APIRequestContext, prefix: string) {
  const user = { email: freshEmail(prefix), password: 'correct horse battery' };
  const response = await request.post('/api/auth/signup', { data: user });
  expect(response.status()).toBe(201);
  return user;
}

/** Logs in through the login form and waits for the top bar to name the person. */
export async function logIn(page: Page, email: string, password: string) {
  await page.goto('/login');
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByTestId('who')).toContainText(email);
}
