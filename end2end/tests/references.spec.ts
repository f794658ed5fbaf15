// References from outside: HR takes a candidate to the offer and asks for two referees; the
// applicant, told by email, opens their portal from the receipt, is refused an empty referee
// form (error summary, "Error:" title), names a referee with the consent ticked, and HR sees
// the referee on the candidate page and sends the request. The referee opens the link from the
// outbox in their own browser, is refused an incomplete form (what they typed kept), sends the
// reference, and finds the link used up (a second post is refused); HR reads the reference.
// With JavaScript on (pages scanned by axe-core) and off.
import { test, expect } from '@playwright/test';
import { apply, createAdmin, expectAccessible, hydrated, mailTo, publishVacancy, signIn, watchErrors } from './helpers';

for (const js of [true, false]) {
  test.describe(`references with JavaScript ${js ? 'on' : 'off'}`, () => {
    test.use({ javaScriptEnabled: js });

    test('HR asks for referees at the offer and the applicant names one in the portal', async ({ page, browser, baseURL }) => {
      test.setTimeout(90_000);
      const tag = `${js ? 'js' : 'nojs'}${Date.now()}`;
      const adminEmail = `references-admin-${tag}@example.org`;
      await signIn(page, createAdmin(adminEmail, 'Pat Admin', baseURL!), adminEmail, js);
      const vacancy = await publishVacancy(page, baseURL!, `references-hm-${tag}@example.org`, {
        title: `Archivist ${tag}`, team: 'Records', location: 'Hull', salary_min: '28000', salary_max: '31000',
        summary: 'Look after the archive.', description: 'You will look after the archive.',
        criterion_1_text: 'Archive experience', criterion_1_weight: '1', criterion_1_words: '250',
        criterion_2_text: 'Cataloguing', criterion_2_weight: '1', criterion_2_words: '250',
        name_blind: 'no',
      });
      const name = `Iris Referenced ${tag}`;
      const email = `iris-${tag}@example.com`;
      await apply(baseURL!, vacancy, name, email, 'no-marker');

      await page.goto(`/staff/vacancies/${vacancy}/candidates`);
      await page.getByRole('link', { name }).click();
      for (const stage of ['Sift', 'Interview', 'Offer']) {
        await page.getByLabel('Move to stage').selectOption({ label: stage });
        await page.getByRole('button', { name: 'Move candidate' }).click();
        await expect(page.getByText('Candidate moved.')).toBeVisible();
      }
      await expect(page.getByRole('heading', { name: 'References' })).toBeVisible();
      await page.getByLabel('How many referees?').fill('2');
      await page.getByRole('button', { name: 'Ask the applicant for referees' }).click();
      await expect(page.getByText('Referees asked for. The applicant has been emailed.')).toBeVisible();
      if (js) await expectAccessible(page);
      const asked = await mailTo(email, 'Your referees for');
      expect(asked).toContain('/portal/sign-in');

      // The applicant, in their own browser, opens the portal from the receipt.
      const receipt = await mailTo(email, 'Application received');
      const link = receipt.match(/https?:\/\/\S+\/portal\/open\/[A-Za-z0-9_-]{43}/)![0];
      const context = await browser.newContext({ javaScriptEnabled: js });
      const applicant = await context.newPage();
      const errors = watchErrors(applicant);
      await applicant.goto(new URL(link).pathname);
      await expect(applicant).toHaveURL('/portal');
      await expect(applicant.getByText('We have asked for 2 referees. You have named 0.')).toBeVisible();
      await applicant.getByRole('link', { name: /Name a referee/ }).click();
      await expect(applicant.getByRole('heading', { level: 1 })).toHaveText('Name a referee');
      if (js) {
        await hydrated(applicant);
        await expectAccessible(applicant);
      }
      await applicant.getByRole('button', { name: 'Add referee' }).click();
      await expect(applicant).toHaveTitle(/^Error: /);
      await expect(applicant.getByRole('alert')).toContainText('Tick the box to agree that we may contact this referee');
      if (js) await expectAccessible(applicant);
      await applicant.getByLabel('Their full name').fill('Rowan Ashdown');
      await applicant.getByLabel('Their email address').fill(`rowan-${tag}@example.org`);
      await applicant.getByLabel('How do you know them?').fill('My line manager at the county archive');
      await applicant.getByLabel(/may contact them by email/).check();
      await applicant.getByRole('button', { name: 'Add referee' }).click();
      await expect(applicant.getByText('Referee added.')).toBeVisible();
      await expect(applicant.getByText('You have named 1.')).toBeVisible();
      await expect(applicant.getByText(`Rowan Ashdown (rowan-${tag}@example.org)`)).toBeVisible();
      if (js) await expectAccessible(applicant);
      // The empty form was refused on purpose (422); anything else — a 5xx, a script error — fails.
      expect(errors.filter((e) => !/status of 422 /.test(e))).toEqual([]);

      await page.reload();
      await expect(page.locator('#referees')).toContainText(`rowan-${tag}@example.org`);
      await expect(page.locator('#referees')).toContainText('My line manager at the county archive');
      await expect(page.locator('#referees')).toContainText('Not asked yet');

      // HR sends the request; the referee opens the link from the outbox in their own browser.
      await page.getByRole('button', { name: 'Send the reference request' }).click();
      await expect(page.getByText('Reference requests sent.')).toBeVisible();
      await expect(page.locator('#referees')).toContainText('link works until');
      const request = await mailTo(`rowan-${tag}@example.org`, 'Reference request from');
      const refLink = new URL(request.match(/https?:\/\/\S+\/reference\/[A-Za-z0-9_-]{43}/)![0]).pathname;
      const refContext = await browser.newContext({ javaScriptEnabled: js });
      const referee = await refContext.newPage();
      const refErrors = watchErrors(referee);
      await referee.goto(refLink);
      await expect(referee.getByRole('heading', { level: 1 })).toHaveText(`Give a reference for ${name}`);
      if (js) {
        await hydrated(referee);
        await expectAccessible(referee);
      }
      // Incomplete: refused with the summary; what was typed is kept (also without JavaScript).
      await referee.getByLabel('How do you know the applicant?').fill('I managed her at the county archive');
      await referee.getByRole('button', { name: 'Send reference' }).click();
      await expect(referee).toHaveTitle(/^Error: /);
      await expect(referee.getByRole('alert')).toContainText('Enter your reference');
      await expect(referee.getByLabel('How do you know the applicant?')).toHaveValue('I managed her at the county archive');
      if (js) await expectAccessible(referee);
      await referee.locator('#from_month').fill('3');
      await referee.locator('#from_year').fill('2021');
      await referee.getByLabel('We still work together').check();
      await referee.getByLabel('What was their job title or role?').fill('Assistant archivist');
      await referee.locator('#reemploy').check(); // Yes
      await referee.locator('#concerns').check(); // No
      await referee.getByLabel('Your reference').fill(`Meticulous with every box of records ${tag}.`);
      await referee.getByRole('button', { name: 'Send reference' }).click();
      await expect(referee.getByRole('heading', { level: 1 })).toHaveText('Thank you for your reference');
      if (js) await expectAccessible(referee);
      // The link is used up: opening it shows no form, and posting again is refused.
      await referee.goto(refLink);
      await expect(referee.getByRole('heading', { level: 1 })).toHaveText('Thank you for your reference');
      await expect(referee.getByRole('button', { name: 'Send reference' })).toHaveCount(0);
      const again = await referee.request.post('/api/reference-give', {
        form: { token: refLink.split('/').pop()!, statement: 'Second go' },
        headers: { Origin: baseURL!, Accept: 'application/json' },
        maxRedirects: 0,
      });
      expect(again.status()).toBe(422);
      expect(await again.text()).toContain('already answered');
      expect(refErrors.filter((e) => !/status of 422 /.test(e))).toEqual([]);

      await page.reload();
      await expect(page.locator('#referees')).toContainText('Reference received');
      await expect(page.getByRole('heading', { name: 'Reference from Rowan Ashdown' })).toBeVisible();
      await expect(page.getByText(`Meticulous with every box of records ${tag}.`)).toBeVisible();
      await expect(page.getByText('March 2021 to now')).toBeVisible();
      await expect(page.getByText('None known')).toBeVisible();
      if (js) await expectAccessible(page);
    });
  });
}
