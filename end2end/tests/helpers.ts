// Shared checks for the browser tests.
import { expect, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';

/** The three vacancies `server seed-demo` creates. */
export const SEEDED = [
  'Senior Data Protection Officer',
  'Recruitment Coordinator',
  'Software Developer (Rust)',
];

export const DPO_ID = '5e1ec7ed-0000-4000-8000-000000000001';

/** Collects console errors and uncaught exceptions so a test can assert there were none. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  page.on('pageerror', (err) => errors.push(String(err)));
  return errors;
}

/** Waits until the app has hydrated (an effect that only runs in the browser sets this). */
export async function hydrated(page: Page) {
  await expect(page.locator('[data-hydrated="true"]')).toHaveCount(1, { timeout: 15_000 });
}

/** Runs axe-core for WCAG 2.0, 2.1 and 2.2 A and AA and expects no violations. */
export async function expectAccessible(page: Page) {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'])
    .analyze();
  const summary = results.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
  );
  expect(summary, 'axe-core WCAG 2.2 A/AA violations').toEqual([]);
}
