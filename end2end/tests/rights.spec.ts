// The rights-request register from outside: an applicant, from the portal link in their
// receipt, asks for their data to be deleted (refused first without a choice); HR finds the
// request in the register, is refused an incomplete form of their own, logs a request received
// by email, extends it with a reason and closes it. Then access and erasure end to end: an
// applicant asks for a copy in the portal, HR downloads the review copy and releases it, the
// applicant downloads theirs (and a self-service copy), then erases their data from the portal
// after a confirmation; HR sees both requests completed in the register. With JavaScript on
// (pages scanned by axe-core) and off.
import { test, expect, type Page } from '@playwright/test';
import { apply, createAdmin, expectAccessible, hydrated, mailTo, publishVacancy, signIn, watchErrors } from './helpers';

for (const js of [true, false]) {
  test.describe(`rights requests with JavaScript ${js ? 'on' : 'off'}`, () => {
    test.use({ javaScriptEnabled: js });

    test('a portal request arrives in the register and HR logs, extends and closes one', async ({ page, browser, baseURL }) => {
      test.setTimeout(90_000);
      const tag = `${js ? 'js' : 'nojs'}${Date.now()}`;
      const email = `rory-${tag}@example.com`;
      await hrWithAnApplicant(page, baseURL!, js, tag, `Clerk ${tag}`, `Rory Rights ${tag}`, email);

      // The applicant asks from the portal.
      const receipt = await mailTo(email, 'Application received');
      const link = receipt.match(/https?:\/\/\S+\/portal\/open\/[A-Za-z0-9_-]{43}/)![0];
      const context = await browser.newContext({ javaScriptEnabled: js });
      const applicant = await context.newPage();
      const errors = watchErrors(applicant);
      await applicant.goto(new URL(link).pathname);
      await applicant.getByRole('link', { name: 'Make a request about your data' }).click();
      await expect(applicant.getByRole('heading', { level: 1 })).toHaveText('Make a request about your data');
      if (js) {
        await hydrated(applicant);
        await expectAccessible(applicant);
      }
      await applicant.getByRole('button', { name: 'Send request' }).click();
      await expect(applicant).toHaveTitle(/^Error: /);
      await expect(applicant.getByRole('alert')).toContainText('Select what you would like us to do');
      if (js) await expectAccessible(applicant);
      await applicant.getByLabel('Delete my data').check();
      await applicant.getByRole('button', { name: 'Send request' }).click();
      await expect(applicant.getByText('Your request has been sent.')).toBeVisible();
      // The empty form was refused on purpose (422); anything else fails.
      expect(errors.filter((e) => !/status of 422 /.test(e))).toEqual([]);
      const ack = await mailTo(email, 'We have received your request');
      const reference = ack.match(/RR-[A-Z0-9]{4}-[A-Z0-9]{4}/)![0];
      await context.close();

      // HR sees it in the register.
      await page.goto('/staff/rights');
      const row = page.locator('#register tr', { hasText: reference });
      await expect(row).toContainText('Erasure of their data');
      await expect(row).toContainText(`${email} (applicant portal)`);
      if (js) await expectAccessible(page);

      // HR logs one received by email: refused first, then logged.
      await page.getByRole('link', { name: 'Log a request' }).click();
      await page.getByRole('button', { name: 'Log the request' }).click();
      await expect(page).toHaveTitle(/^Error: /);
      await expect(page.locator('.error-summary')).toContainText('Select what the person asked for');
      if (js) await expectAccessible(page);
      await page.getByLabel('Access to their data').check();
      const today = new Date();
      await page.locator('#received_day').fill(String(today.getDate()));
      await page.locator('#received_month').fill(String(today.getMonth() + 1));
      await page.locator('#received_year').fill(String(today.getFullYear()));
      await page.getByLabel('The person’s email address').fill(email);
      await page.getByLabel('Sent from the email address on the application').check();
      await page.getByRole('button', { name: 'Log the request' }).click();
      await expect(page.getByText('Request logged.')).toBeVisible();
      await expect(page.locator('#held')).toContainText(`Clerk ${tag}`);
      if (js) await expectAccessible(page);

      await page.getByLabel('2 months').check();
      await page.getByLabel('Why it needs longer').fill('Several applications to search');
      await page.getByRole('button', { name: 'Extend and tell the person' }).click();
      await expect(page.getByText('Deadline extended.')).toBeVisible();
      expect(await mailTo(email, 'more time needed')).toContain('Several applications to search');

      await page.getByLabel('Completed').check();
      await page.locator('#closed_day').fill(String(today.getDate()));
      await page.locator('#closed_month').fill(String(today.getMonth() + 1));
      await page.locator('#closed_year').fill(String(today.getFullYear()));
      await page.getByRole('button', { name: 'Close the request' }).click();
      await expect(page.getByText('Request closed.')).toBeVisible();
      await expect(page.locator('#request')).toContainText('Completed on');
      if (js) await expectAccessible(page);
    });

    test('an applicant downloads their data and erases it from the portal; HR sees both', async ({ page, browser, baseURL }) => {
      test.setTimeout(120_000);
      const tag = `${js ? 'js' : 'nojs'}b${Date.now()}`;
      const email = `bea-${tag}@example.com`;
      const name = `Bea Bundle ${tag}`;
      await hrWithAnApplicant(page, baseURL!, js, tag, `Archivist ${tag}`, name, email);
      const receipt = await mailTo(email, 'Application received');
      const link = receipt.match(/https?:\/\/\S+\/portal\/open\/[A-Za-z0-9_-]{43}/)![0];
      const context = await browser.newContext({ javaScriptEnabled: js });
      const applicant = await context.newPage();
      const errors = watchErrors(applicant);
      await applicant.goto(new URL(link).pathname);

      // An access request from the portal.
      await applicant.getByRole('link', { name: 'Make a request about your data' }).click();
      await applicant.getByLabel('Send me a copy of the data you hold about me').check();
      await applicant.getByRole('button', { name: 'Send request' }).click();
      await expect(applicant.getByText('Your request has been sent.')).toBeVisible();
      const ack = await mailTo(email, 'We have received your request');
      const access = ack.match(/RR-[A-Z0-9]{4}-[A-Z0-9]{4}/)![0];

      // HR reviews the copy (a ZIP without monitoring answers) and releases it.
      await page.goto('/staff/rights');
      await page.locator('#register tr', { hasText: access }).getByRole('link').first().click();
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Request ${access}`);
      if (js) await expectAccessible(page);
      const review = await zipOf(page, () => page.getByRole('link', { name: 'Download the copy for review (ZIP file)' }).click());
      expect(review).toContain('index.html');
      expect(review).toContain('records.json');
      expect(review).toContain(email);
      expect(review).toContain('Review copy for HR');
      await page.getByRole('button', { name: 'Release to the person' }).click();
      await expect(page.getByText('Copy released.')).toBeVisible();
      await expect(page.locator('#request')).toContainText('Completed on');
      expect(await mailTo(email, 'your copy of your data is ready')).toContain('/portal/open/');

      // The applicant downloads the released copy, and a copy of their own.
      await applicant.goto('/portal');
      if (js) {
        await hydrated(applicant);
        await expectAccessible(applicant);
      }
      const released = await zipOf(applicant, () => applicant.getByRole('link', { name: new RegExp(`Download the copy for request ${access}`) }).click());
      expect(released).toContain('Your copy, released after review');
      expect(released).toContain(name);
      const own = await zipOf(applicant, () => applicant.getByRole('link', { name: 'Download a copy of your data (ZIP file)' }).click());
      expect(own).toContain('Your copy, downloaded from your applicant page');
      expect(own).toContain(`documents/`);

      // Erasure: explained, refused without the confirmation, then done.
      await applicant.getByRole('link', { name: 'Erase your data' }).click();
      await expect(applicant.getByRole('heading', { level: 1 })).toHaveText('Erase your data');
      await expect(applicant.locator('main')).toContainText(`Archivist ${tag}`);
      if (js) {
        await hydrated(applicant);
        await expectAccessible(applicant);
      }
      await applicant.getByRole('button', { name: 'Erase my data' }).click();
      await expect(applicant).toHaveTitle(/^Error: /);
      await expect(applicant.locator('.error-summary')).toContainText('Tick the box to confirm');
      if (js) await expectAccessible(applicant);
      await applicant.getByLabel('I understand that my data will be erased at once and cannot be recovered').check();
      await applicant.getByRole('button', { name: 'Erase my data' }).click();
      await expect(applicant.getByRole('heading', { level: 1 })).toHaveText('Your data has been erased');
      const erasure = (await applicant.locator('.panel__body strong').textContent())!;
      expect(erasure).toMatch(/^RR-[A-Z0-9]{4}-[A-Z0-9]{4}$/);
      if (js) await expectAccessible(applicant);
      await applicant.goto('/portal');
      await expect(applicant.getByRole('heading', { level: 1 })).toHaveText('Your link has ended');
      expect(errors.filter((e) => !/status of 40[14] /.test(e))).toEqual([]);
      await context.close();

      // HR sees both requests, completed, and nothing of the person.
      await page.goto('/staff/rights?show=all');
      for (const reference of [access, erasure]) {
        await expect(page.locator('#register tr', { hasText: reference })).toContainText('Closed');
      }
      await expect(page.locator('#register')).not.toContainText(email);
      await page.locator('#register tr', { hasText: erasure }).getByRole('link').first().click();
      await expect(page.locator('#request')).toContainText('application(s) purged at once');
      await expect(page.locator('#held-none')).toBeVisible();
      if (js) await expectAccessible(page);
    });
  });
}

/// Signs HR in (a new administrator), publishes a vacancy titled `title` and sends one
/// application to it from `name` at `email`.
async function hrWithAnApplicant(page: Page, baseURL: string, js: boolean, tag: string, title: string, name: string, email: string) {
  const adminEmail = `rights-admin-${tag}@example.org`;
  await signIn(page, createAdmin(adminEmail, 'Pat Admin', baseURL), adminEmail, js);
  const vacancy = await publishVacancy(page, baseURL, `rights-hm-${tag}@example.org`, {
    title, team: 'Office', location: 'York', salary_min: '22000', salary_max: '24000',
    summary: 'Keep the office running.', description: 'You will keep the office running.',
    criterion_1_text: 'Organised', criterion_1_weight: '1', criterion_1_words: '250',
    criterion_2_text: 'Discreet', criterion_2_weight: '1', criterion_2_words: '250',
    name_blind: 'no',
  });
  await apply(baseURL, vacancy, name, email, 'no-marker');
}

/// Clicks a download link and returns the ZIP's bytes as text (entries are stored, so names
/// and contents read as they are), after checking it is a ZIP.
async function zipOf(page: Page, click: () => Promise<unknown>): Promise<string> {
  const [download] = await Promise.all([page.waitForEvent('download'), click()]);
  const stream = await download.createReadStream();
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  const bytes = Buffer.concat(chunks);
  expect(bytes.subarray(0, 2).toString('latin1')).toBe('PK');
  return bytes.toString('latin1');
}
