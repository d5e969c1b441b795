import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';

// axe-core over the page as it stands, in the light and the dark colour scheme: WCAG 2.0 and
// 2.1, levels A and AA. A finding is described in one line, so that a failed run lists all of
// them at once (state, scheme, rule, the elements).

export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
export const SCHEMES = ['light', 'dark'] as const;

/** Every state checked so far, in both schemes, and what axe found in them. */
export class AxeAudit {
  readonly findings: string[] = [];
  checked = 0;

  constructor(private readonly page: Page) {}

  /** Checks the page as it is now, named `state`, in both colour schemes. */
  async check(state: string) {
    for (const scheme of SCHEMES) {
      await this.page.emulateMedia({ colorScheme: scheme });
      await settled(this.page);
      const results = await new AxeBuilder({ page: this.page }).withTags(WCAG_TAGS).analyze();
      for (const violation of results.violations) {
        const where = violation.nodes.slice(0, 4).map((node) => node.target.join(' ')).join(' | ');
        const summary = violation.nodes[0]?.failureSummary?.split('\n').slice(1, 2).join('').trim() ?? '';
        this.findings.push(`${state} [${scheme}] ${violation.id} (${violation.nodes.length}): ${where} — ${summary}`);
      }
      this.checked++;
    }
    await this.page.emulateMedia({ colorScheme: null });
  }
}

/** Waits for the finite CSS transitions and animations (a colour fading in, a toast sliding). */
async function settled(page: Page) {
  await page.evaluate(() => Promise.all(document.getAnimations()
    .filter((animation) => Number.isFinite(Number(animation.effect?.getComputedTiming().endTime)))
    .map((animation) => animation.finished.catch(() => undefined))));
}
