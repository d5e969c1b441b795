import { test, expect } from '../support/test';
import { createUser, logIn } from '../support/accounts';

// Toasts: a success fades on its own; an error stays until its close button is used, and is
// announced at once (role "alert") while a success is announced politely (role "status").

test('an error toast outlasts a success toast and goes only when it is dismissed', async ({ page, request }) => {
  const user = await createUser(request, 'e2e-toasts');
  await logIn(page, user.email, user.password);
  const welcome = page.getByRole('status').filter({ hasText: 'Welcome back' });
  await expect(welcome).toBeVisible();

  // The download fails on the server's side: the app says so in an error toast.
  await page.route('**/api/me/predictions.csv', (route) => route.fulfill({
    status: 503, contentType: 'application/json',
    body: JSON.stringify({ error: 'unavailable', message: 'the history is resting' }),
  }));
  await page.getByRole('link', { name: 'My predictions' }).click();
  await page.getByRole('button', { name: 'Download CSV' }).click();
  const error = page.getByRole('alert').filter({ hasText: 'Cannot download' });
  await expect(error).toBeVisible();

  // The success toast fades (6 s after it came); the error toast is still there after it.
  await expect(welcome).toHaveCount(0);
  await expect(error).toBeVisible();

  const close = error.getByRole('button', { name: 'Dismiss' });
  await close.focus();
  await expect(close).toBeFocused();
  await close.click();
  await expect(error).toHaveCount(0);
});
