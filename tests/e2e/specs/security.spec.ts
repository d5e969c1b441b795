import { test, expect } from '../support/test';

// The web app's Content-Security-Policy is enforced, not just sent: an injected inline script
// is refused (and the detector every spec runs under notices it).

test('the app is served under a policy that refuses injected inline scripts', async ({
  page,
  cspViolations,
}) => {
  const response = await page.goto('/');
  expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
  expect(response?.headers()['x-content-type-options']).toBe('nosniff');
  await expect(page.getByRole('heading', { name: /would they have survived/i })).toBeVisible();

  const directive = await page.evaluate(
    () =>
      new Promise<string>((resolve) => {
        document.addEventListener('securitypolicyviolation', (e) => resolve(e.effectiveDirective), {
          once: true,
        });
        const script = document.createElement('script');
        script.textContent = 'window.injected = true';
        document.body.append(script);
      }),
  );
  expect(directive).toMatch(/^script-src/);
  expect(await page.evaluate(() => (window as unknown as { injected?: boolean }).injected)).toBeUndefined();

  await expect.poll(() => cspViolations.length).toBeGreaterThan(0);
  cspViolations.length = 0; // this one was on purpose
});
