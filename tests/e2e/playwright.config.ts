import { defineConfig, devices } from '@playwright/test';

// Runs against a stack that is already up (see README): LIFEBOAT_BASE_URL, default :8080.
// Browser: Debian's Chromium, never a downloaded one.
export default defineConfig({
  testDir: './specs',
  outputDir: './artifacts',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  // A flaky test is fixed, not retried.
  retries: 0,
  workers: 1,
  reporter: [['list']],
  use: {
    baseURL: process.env.LIFEBOAT_BASE_URL ?? 'http://localhost:8080',
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    // Recorded with Debian's ffmpeg (scripts/setup-test-env.sh puts it where Playwright
    // looks); kept only for failed tests.
    video: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
  },
  projects: [
    { name: 'desktop', use: { ...devices['Desktop Chrome'], viewport: { width: 1280, height: 800 } } },
    { name: 'phone', use: { ...devices['Desktop Chrome'], viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true } },
  ],
});
