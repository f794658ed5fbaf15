// The careers page and vacancy pages, from outside, as an applicant would use them.
import { test, expect } from '@playwright/test';
import { SEEDED, DPO_ID, watchErrors, hydrated, expectAccessible } from './helpers';

test.describe('with JavaScript on', () => {
  test('lists the seeded vacancies and hydrates without console errors', async ({ page }) => {
    const errors = watchErrors(page);
    const response = await page.goto('/');
    expect(response?.status()).toBe(200);
    await hydrated(page);
    await expect(page).toHaveTitle('Current vacancies – Shortlist');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Current vacancies');
    await expect(page.locator('#vacancy-count')).toHaveText('3 vacancies');
    for (const title of SEEDED) {
      await expect(page.getByRole('link', { name: title })).toBeVisible();
    }
    expect(errors).toEqual([]);
  });

  test('opens a vacancy without a full page load once hydrated', async ({ page }) => {
    const errors = watchErrors(page);
    await page.goto('/');
    await hydrated(page);
    // A full page load would wipe this; client-side routing keeps it.
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
    await page.getByRole('link', { name: 'Senior Data Protection Officer' }).click();
    await expect(page).toHaveURL(`/vacancies/${DPO_ID}`);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Senior Data Protection Officer');
    await expect(page.getByText('Applications close on')).toBeVisible();
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
    expect(errors).toEqual([]);
  });

  test('serves pages with a nonce-based Content-Security-Policy', async ({ page }) => {
    const response = await page.goto('/');
    const csp = response?.headers()['content-security-policy'] ?? '';
    expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=_-]+' 'wasm-unsafe-eval'/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(response?.headers()['x-content-type-options']).toBe('nosniff');
    // Hydration still works under that policy (no CSP violation in the console).
    const errors = watchErrors(page);
    await page.reload();
    await hydrated(page);
    expect(errors).toEqual([]);
  });
});

test.describe('with JavaScript off', () => {
  test.use({ javaScriptEnabled: false });

  test('lists the seeded vacancies', async ({ page }) => {
    const response = await page.goto('/');
    expect(response?.status()).toBe(200);
    await expect(page.locator('#vacancy-count')).toHaveText('3 vacancies');
    for (const title of SEEDED) {
      await expect(page.getByRole('link', { name: title })).toBeVisible();
    }
    await expect(page.getByText('Loading vacancies')).toHaveCount(0);
  });

  test('follows a link to a vacancy page', async ({ page }) => {
    await page.goto('/');
    await page.getByRole('link', { name: 'Recruitment Coordinator' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Recruitment Coordinator');
    await expect(page.getByText('About the role')).toBeVisible();
  });

  test('answers an unknown vacancy or address with a 404 page', async ({ page }) => {
    for (const path of [
      '/vacancies/00000000-0000-4000-8000-000000000000',
      '/vacancies/not-an-id',
      '/no-such-page',
    ]) {
      const response = await page.goto(path);
      expect(response?.status(), path).toBe(404);
      await expect(page.getByRole('heading', { level: 1 })).toHaveText('Page not found');
    }
  });
});

test.describe('accessibility (axe-core, WCAG 2.2 A and AA)', () => {
  for (const [name, path] of [
    ['careers page', '/'],
    ['vacancy page', `/vacancies/${DPO_ID}`],
    ['not found page', '/no-such-page'],
  ]) {
    test(name, async ({ page }) => {
      await page.goto(path);
      await hydrated(page);
      await expectAccessible(page);
    });
  }
});
