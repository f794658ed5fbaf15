// Staff sign-in from outside: the first HR administrator is created on the command line, sets
// a password through the one-time link, signs in and out — with JavaScript on and off — and
// every page passes axe-core.
import { test, expect, type Page } from '@playwright/test';
import { createAdmin, expectAccessible, hydrated, PASSWORD } from './helpers';

async function setPasswordAndSignIn(page: Page, linkPath: string, email: string, js: boolean) {
  await page.goto(linkPath);
  if (js) await hydrated(page);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Create a password');
  if (js) await expectAccessible(page);

  // A guessable password is refused with the GOV.UK error pattern.
  await page.getByLabel('Password', { exact: true }).fill('password123');
  await page.getByLabel('Confirm password').fill('password123');
  await page.getByRole('button', { name: 'Save password' }).click();
  await expect(page).toHaveTitle(/^Error: Create a password/);
  await expect(page.getByRole('alert')).toContainText('harder to guess');
  if (js) await expectAccessible(page);

  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByLabel('Confirm password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Save password' }).click();
  await expect(page.getByText('Your password has been set')).toBeVisible();
  if (js) await expectAccessible(page);

  // Wrong password first, then the right one.
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password').fill('not-my-password-at-all');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveTitle(/^Error: Sign in/);
  await expect(page.getByRole('alert')).toContainText('Enter a correct email address and password');
  if (js) await expectAccessible(page);

  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL('/staff');
}

for (const js of [true, false]) {
  test.describe(`staff sign-in with JavaScript ${js ? 'on' : 'off'}`, () => {
    test.use({ javaScriptEnabled: js });

    test('the first HR administrator sets a password, signs in and signs out', async ({ page, baseURL }) => {
      const email = `admin-${js ? 'js' : 'nojs'}-${Date.now()}@example.org`;
      const link = createAdmin(email, 'Sam Lead', baseURL!);
      await setPasswordAndSignIn(page, link, email, js);

      await expect(page.getByRole('heading', { level: 1 })).toHaveText('Signed in as Sam Lead');
      await expect(page.getByText('HR administrator')).toBeVisible();
      if (js) await expectAccessible(page);

      // The session cookie is not readable by scripts.
      const cookies = await page.context().cookies();
      const session = cookies.find((c) => c.name === 'shortlist-session');
      expect(session?.httpOnly).toBe(true);
      expect(session?.sameSite).toBe('Lax');

      // HR administrators read the audit log, which shows this sign-in and the failed one.
      await page.getByRole('link', { name: 'Audit log' }).click();
      await expect(page.getByRole('heading', { level: 1 })).toHaveText('Audit log');
      await expect(page.getByRole('cell', { name: 'staff.sign_in' }).first()).toBeVisible();
      await expect(page.getByRole('cell', { name: 'refused' }).first()).toBeVisible();
      if (js) await expectAccessible(page);
      await page.getByLabel('From (UTC date)').fill('2000-01-01');
      await page.getByLabel('To (UTC date)').fill('2000-01-02');
      await page.getByRole('button', { name: 'Filter' }).click();
      await expect(page.getByText('Showing the newest 0 entries')).toBeVisible();

      // The link works once.
      await page.goto(link);
      await expect(page.getByRole('heading', { level: 1 })).toHaveText('This link has already been used');

      await page.goto('/staff');
      await page.getByRole('button', { name: 'Sign out' }).click();
      await expect(page.getByText('You have signed out.')).toBeVisible();
      const response = await page.goto('/staff');
      expect(response?.status()).toBe(401);
      await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sign in to continue');
    });
  });
}
