import { test, expect } from '../support/test';
import { admin, createUser, logIn } from '../support/accounts';

// Admin pages are for admins: visitors are sent to log in, users are told no.

test('a visitor who opens an admin page is sent to log in and brought back after', async ({ page }) => {
  await page.goto('/admin/users');
  await expect(page.getByRole('heading', { name: 'Log in' })).toBeVisible();
  await expect(page).toHaveURL(/\/login\?next=%2Fadmin%2Fusers$/);
  await page.getByLabel('E-mail').fill(admin.email);
  await page.getByLabel('Password').fill(admin.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('heading', { name: 'Users' })).toBeVisible();
  await expect(page.getByTestId('who')).toContainText('admin');
});

test('a plain user who types /admin is kept out', async ({ page, request }) => {
  const user = await createUser(request, 'e2e-plain');
  await logIn(page, user.email, user.password);
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Models' })).toHaveCount(0);
  for (const path of ['/admin', '/admin/models', '/admin/train', '/admin/users']) {
    await page.goto(path);
    await expect(page.getByRole('heading', { name: 'Not allowed' })).toBeVisible();
    await expect(page.getByRole('table')).toHaveCount(0);
  }
});
