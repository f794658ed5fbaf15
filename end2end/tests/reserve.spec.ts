// The reserve list from outside: a candidate who did not agree to be kept for other jobs is
// found appointable, not appointed after interview; the letter from the outbox carries a
// one-click link that they open in their own browser and agree through; HR publishes a new
// vacancy in the same job family, finds the candidate among the matching reserve-list
// candidates and invites them, and the invitation arrives. With JavaScript on (pages scanned
// by axe-core) and off.
import { test, expect } from '@playwright/test';
import { apply, createAdmin, expectAccessible, hydrated, mailTo, publishVacancy, signIn, watchErrors } from './helpers';

for (const js of [true, false]) {
  test.describe(`reserve list with JavaScript ${js ? 'on' : 'off'}`, () => {
    test.use({ javaScriptEnabled: js });

    test('an appointable candidate joins the reserve list by email and is invited to a matching vacancy', async ({ page, browser, baseURL }) => {
      test.setTimeout(90_000);
      const tag = `${js ? 'js' : 'nojs'}${Date.now()}`;
      const family = `Archives ${tag}`;
      const adminEmail = `reserve-admin-${tag}@example.org`;
      await signIn(page, createAdmin(adminEmail, 'Pat Admin', baseURL!), adminEmail, js);
      const first = await publishVacancy(page, baseURL!, `reserve-hm-${tag}@example.org`, {
        title: `Records Officer ${tag}`, team: 'Records', location: 'Hull', salary_min: '28000', salary_max: '31000',
        summary: 'Look after the records.', description: 'You will look after the records.',
        criterion_1_text: 'Filing', criterion_1_weight: '1', criterion_1_words: '250',
        criterion_2_text: 'Accuracy', criterion_2_weight: '1', criterion_2_words: '250',
        name_blind: 'no', job_family: family,
      });
      const name = `Nia Reserve ${tag}`;
      const email = `nia-${tag}@example.com`;
      await apply(baseURL!, first, name, email, 'no-marker');

      await page.goto(`/staff/vacancies/${first}/candidates`);
      await page.getByRole('link', { name }).click();
      for (const stage of ['Sift', 'Interview']) {
        await page.getByLabel('Move to stage').selectOption({ label: stage });
        await page.getByRole('button', { name: 'Move candidate' }).click();
        await expect(page.getByText('Candidate moved.')).toBeVisible();
      }
      await page.getByRole('button', { name: 'Record as appointable, not appointed' }).click();
      await expect(page.getByText('Recorded as appointable, not appointed.')).toBeVisible();
      await expect(page.locator('#decision')).toContainText('Appointable, not appointed (Interview)');
      await expect(page.locator('#decision')).toContainText('Not on the reserve list');
      if (js) await expectAccessible(page);

      // The candidate, in their own browser, agrees from the letter.
      const letter = await mailTo(email, 'found you appointable');
      const joinLink = new URL(letter.match(/https?:\/\/\S+\/reserve-list\/join\/[A-Za-z0-9_-]{43}/)![0]).pathname;
      const context = await browser.newContext({ javaScriptEnabled: js });
      const applicant = await context.newPage();
      const errors = watchErrors(applicant);
      await applicant.goto(joinLink);
      await expect(applicant.getByRole('heading', { level: 1 })).toHaveText('Join our reserve list?');
      if (js) {
        await hydrated(applicant);
        await expectAccessible(applicant);
      }
      await applicant.getByRole('button', { name: /I agree/ }).click();
      await expect(applicant.getByRole('heading', { level: 1 })).toHaveText('You are on our reserve list');
      if (js) await expectAccessible(applicant);
      expect(errors).toEqual([]);
      await context.close();

      await page.reload();
      await expect(page.locator('#decision')).toContainText('On the reserve list until');

      // A new vacancy in the same job family: the candidate is listed as a match and invited.
      const second = await publishVacancy(page, baseURL!, `reserve-hm2-${tag}@example.org`, {
        title: `Archive Assistant ${tag}`, team: 'Records', location: 'Hull', salary_min: '24000', salary_max: '26000',
        summary: 'Help with the archive.', description: 'You will help with the archive.',
        criterion_1_text: 'Cataloguing', criterion_1_weight: '1', criterion_1_words: '250',
        criterion_2_text: 'Accuracy', criterion_2_weight: '1', criterion_2_words: '250',
        name_blind: 'no', job_family: family,
      });
      await page.goto(`/staff/vacancies/${second}`);
      await page.getByRole('link', { name: 'Reserve list and matching candidates' }).click();
      await expect(page.getByRole('heading', { level: 1 })).toHaveText('Reserve list');
      const row = page.locator('#match-list tr', { hasText: name });
      await expect(row).toContainText(`Same job family: ${family}`);
      await expect(row).toContainText(`Found appointable for Records Officer ${tag}`);
      if (js) await expectAccessible(page);
      await row.getByRole('button', { name: /Invite to apply/ }).click();
      await expect(page.getByText('Invitation sent.')).toBeVisible();
      await expect(page.locator('#match-list tr', { hasText: name })).toContainText('Invited');
      if (js) await expectAccessible(page);
      const invitation = await mailTo(email, 'A job you may be interested in');
      expect(invitation).toContain(`/vacancies/${second}`);

      // The first vacancy's own reserve list has them too.
      await page.goto(`/staff/vacancies/${first}/reserve-list`);
      await expect(page.locator('#own-list')).toContainText(name);
    });
  });
}
