// Measures the web app's first load in headless Chromium: bytes the page transfers for its
// wasm and JS (compressed, as served) and the time from navigation to the calculator's
// first answer (Performance API). Run through bench/page-load.sh.
import { chromium } from '@playwright/test';

const base = process.argv[2] ?? 'http://localhost:8080';
const runs = Number(process.env.RUNS ?? 5);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});
const results = [];
for (let run = 0; run < runs; run++) {
  // A fresh context each time: nothing cached.
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(base + '/');
  // The calculator answers as soon as it has loaded: its first answer is the finish line.
  await page.getByRole('region', { name: 'Prediction result' }).getByText(/^\d{1,3}%$/).first().waitFor();
  results.push(await page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    const resources = performance.getEntriesByType('resource');
    const sum = (suffix) => resources.filter((r) => r.name.endsWith(suffix))
      .reduce((n, r) => n + r.transferSize, 0);
    return {
      interactiveMs: performance.now(),
      domContentLoadedMs: nav.domContentLoadedEventEnd,
      wasmBytes: sum('.wasm'),
      jsBytes: sum('.js'),
      cssBytes: sum('.css'),
      htmlBytes: nav.transferSize,
    };
  }));
  await context.close();
}
await browser.close();

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
const first = results[0];
console.log(`page load of ${base} (${runs} cold loads, headless Chromium)`);
console.log(`transferred: wasm ${kib(first.wasmBytes)}, js ${kib(first.jsBytes)}, css ${kib(first.cssBytes)}, html ${kib(first.htmlBytes)}`);
console.log(`navigation → the calculator's first answer: median ${median(results.map((r) => r.interactiveMs)).toFixed(0)} ms ` +
  `(runs: ${results.map((r) => r.interactiveMs.toFixed(0)).join(', ')} ms)`);
console.log(`DOMContentLoaded: median ${median(results.map((r) => r.domContentLoadedMs)).toFixed(0)} ms`);
