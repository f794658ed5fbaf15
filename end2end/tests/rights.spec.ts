// The rights-request register from outside: an applicant, from the portal link in their
// receipt, asks for their data to be deleted (refused first without a choice); HR finds the
// request in the register, is refused an incomplete form of their own, logs a request received
// by email, extends it with a reason and closes it. With JavaScript on (pages scanned by
// axe-core) and off.
import { test, expect } from '@playwright/test';
import { apply, createAdmin, expectAccessible, hydrated, mailTo, publishVacancy, signIn, watchErrors } from './helpers';

for (const js of [true, false]) {
  test.describe(`rights requests with JavaScript ${js ? 'on' : 'off'}`, () => {
    test.use({ javaScriptEnabled: js });

    test('a portal request arrives in the register and HR logs, extends and closes one', async ({ page, browser, baseURL }) => {
      test.setTimeout(90_000);
      const tag = `${js ? 'js' : 'nojs'}${Date.now()}`;
      const adminEmail = `rights-admin-${tag}@example.org`;
      await signIn(page, createAdmin(adminEmail, 'Pat Admin', baseURL!), adminEmail, js);
      const vacancy = await publishVacancy(page, baseURL!, `rights-hm-${tag}@example.org`, {
        title: `Clerk ${tag}`, team: 'Office', location: 'York', salary_min: '22000', salary_max: '24000',
        summary: 'Keep the office running.', description: 'You will keep the office running.',
        criterion_1_text: 'Organised', criterion_1_weight: '1', criterion_1_words: '250',
        criterion_2_text: 'Discreet', criterion_2_weight: '1', criterion_2_words: '250',
        name_blind: 'no',
      });
      const email = `rory-${tag}@example.com`;
      await apply(baseURL!, vacancy, `Rory Rights ${tag}`, email, 'no-marker');

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
  });
}
