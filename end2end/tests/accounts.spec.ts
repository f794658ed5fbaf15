// User management from outside: an HR administrator invites a hiring manager, who completes
// the set-password link from the mail outbox, enrols an authenticator app because the
// organisation requires it, and signs in again with a code — with JavaScript on and off, and
// every page scanned by axe-core when JavaScript is on.
import { test, expect, type Browser, type Page } from '@playwright/test';
import { createHmac } from 'node:crypto';
import { createAdmin, expectAccessible, hydrated, mailTo, PASSWORD, signIn } from './helpers';

function base32Decode(text: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const c of text.replace(/\s/g, '')) {
    value = (value << 5) | alphabet.indexOf(c);
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((value >>> bits) & 0xff);
    }
  }
  return Buffer.from(out);
}

/** RFC 6238 code for `secret`, `offset` steps from now. */
function totp(secret: Buffer, offset = 0): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 30_000) + offset));
  const mac = createHmac('sha1', secret).update(counter).digest();
  const o = mac[mac.length - 1] & 0x0f;
  const n = (mac.readUInt32BE(o) & 0x7fffffff) % 1_000_000;
  return n.toString().padStart(6, '0');
}

async function newPage(browser: Browser, js: boolean): Promise<Page> {
  const context = await browser.newContext({ javaScriptEnabled: js });
  return context.newPage();
}

async function setRequirement(admin: Page, js: boolean, required: boolean) {
  await admin.goto('/staff/users');
  if (js) await hydrated(admin);
  await admin.getByLabel(required ? 'Yes, require it (recommended)' : 'No, let each person choose').check();
  await admin.getByRole('button', { name: 'Save setting' }).click();
  await expect(admin.getByText('Two-factor setting saved.')).toBeVisible();
}

for (const js of [true, false]) {
  test.describe(`user management with JavaScript ${js ? 'on' : 'off'}`, () => {
    test.use({ javaScriptEnabled: js });

    test('an HR administrator invites a hiring manager who sets a password, enrols TOTP and signs in', async ({
      page: admin,
      browser,
      baseURL,
    }) => {
      const tag = `${js ? 'js' : 'nojs'}-${Date.now()}`;
      const name = `Alex Manager ${js ? 'One' : 'Two'}`;
      const adminEmail = `admin-${tag}@example.org`;
      await signIn(admin, createAdmin(adminEmail, 'Sam Lead', baseURL!), adminEmail, js);

      // Invite: a mistake first, then the real invitation.
      await admin.getByRole('link', { name: 'Staff accounts' }).click();
      await expect(admin.getByRole('heading', { level: 1 })).toHaveText('Staff accounts');
      if (js) await expectAccessible(admin);
      await admin.getByRole('link', { name: 'Invite someone' }).click();
      await expect(admin.getByRole('heading', { level: 1 })).toHaveText('Invite someone');
      if (js) await expectAccessible(admin);
      await admin.getByLabel('Email address').fill('not an email');
      await admin.getByRole('button', { name: 'Send invitation' }).click();
      await expect(admin).toHaveTitle(/^Error: Invite someone/);
      await expect(admin.getByRole('alert')).toContainText('Enter an email address in the correct format');
      await expect(admin.getByRole('alert')).toContainText('Enter their name');
      if (js) await expectAccessible(admin);

      const hmEmail = `hm-${tag}@example.org`;
      await admin.getByLabel('Email address').fill(hmEmail);
      await admin.getByLabel('Full name').fill(name);
      await admin.getByLabel('No organisation role (hiring manager or panel member)').check();
      await admin.getByRole('button', { name: 'Send invitation' }).click();
      await expect(admin.getByText('Invitation sent.')).toBeVisible();
      await expect(admin.getByRole('heading', { level: 1 })).toHaveText(name);
      await expect(admin.getByText('Invited', { exact: true })).toBeVisible();
      if (js) await expectAccessible(admin);

      // The organisation requires a second factor from now on (until the end of this test,
      // whatever happens: the other browser tests sign in with a password alone).
      await setRequirement(admin, js, true);
      try {

        // The hiring manager follows the emailed link in their own browser.
        const mail = await mailTo(hmEmail);
        expect(mail).toContain('Subject: Your Shortlist account at');
        const link = new URL(mail.match(/http:\/\/\S+\/staff\/set-password\/[A-Za-z0-9_-]+/)![0]).pathname;
        const hm = await newPage(browser, js);
        await hm.goto(link);
        await hm.getByLabel('Password', { exact: true }).fill(PASSWORD);
        await hm.getByLabel('Confirm password').fill(PASSWORD);
        await hm.getByRole('button', { name: 'Save password' }).click();
        await expect(hm.getByText('Your password has been set')).toBeVisible();
        await hm.getByLabel('Email address').fill(hmEmail);
        await hm.getByLabel('Password').fill(PASSWORD);
        await hm.getByRole('button', { name: 'Sign in' }).click();

        // Enrolment is the last step of this first sign-in.
        await expect(hm).toHaveURL('/staff/two-factor');
        if (js) await hydrated(hm);
        await expect(hm.getByRole('heading', { level: 1 })).toHaveText('Set up two-factor authentication');
        await expect(hm.getByRole('img', { name: 'QR code for your authenticator app' })).toBeVisible();
        if (js) await expectAccessible(hm);
        const secret = base32Decode(await hm.locator('#totp-key').innerText());
        const recovery = await hm.locator('#recovery-codes code').allInnerTexts();
        expect(recovery).toHaveLength(10);
        await hm.getByLabel('Code from your authenticator app').fill('000000');
        await hm.getByRole('button', { name: 'Finish setting up' }).click();
        await expect(hm).toHaveTitle(/^Error: Set up two-factor authentication/);
        if (js) await expectAccessible(hm);
        await hm.getByLabel('Code from your authenticator app').fill(totp(secret));
        await hm.getByRole('button', { name: 'Finish setting up' }).click();
        await expect(hm.getByRole('heading', { level: 1 })).toHaveText(`Signed in as ${name}`);
        await expect(hm.getByText('Two-factor authentication is set up')).toBeVisible();

        // Signing in again asks for a code (the next one: each code works once).
        await hm.getByRole('button', { name: 'Sign out' }).click();
        await hm.getByLabel('Email address').fill(hmEmail);
        await hm.getByLabel('Password').fill(PASSWORD);
        await hm.getByRole('button', { name: 'Sign in' }).click();
        await expect(hm).toHaveURL('/staff/sign-in/code');
        await expect(hm.getByRole('heading', { level: 1 })).toHaveText('Enter your code');
        if (js) await hydrated(hm);
        if (js) await expectAccessible(hm);
        await hm.getByLabel('Code from your authenticator app').fill(totp(secret, 1));
        await hm.getByRole('button', { name: 'Continue' }).click();
        await expect(hm.getByRole('heading', { level: 1 })).toHaveText(`Signed in as ${name}`);

        // The administrator sees the account active with two-factor set up, then deactivates
        // it: the hiring manager's session ends at once.
        await admin.goto('/staff/users');
        const row = admin.getByRole('row', { name: new RegExp(name) });
        await expect(row).toContainText('Active');
        await expect(row).toContainText('Set up');
        await row.getByRole('link', { name }).click();
        if (js) await hydrated(admin);
        await admin.getByLabel('I want to deactivate this account').check();
        await admin.getByRole('button', { name: 'Deactivate account' }).click();
        await expect(admin.getByText('Account deactivated.')).toBeVisible();
        const response = await hm.goto('/staff');
        expect(response?.status()).toBe(401);
      } finally {
        await setRequirement(admin, js, false);
      }
    });
  });
}
