// Selection from outside: HR sets up a name-blind vacancy with a hiring manager; two people
// apply (their monitoring answers carry a marker); the hiring manager signs in, scores both
// candidates blind, rejects one with a reason (the letter lands in the outbox) and moves the
// other to interview — and only then learns who that candidate is. With JavaScript on (every
// page scanned by axe-core) and off.
import { test, expect } from '@playwright/test';
import { apply, createAdmin, expectAccessible, hydrated, mailTo, publishVacancy, signIn, watchErrors } from './helpers';

const MARKER = 'Selkie-EO-Marker-41';

for (const js of [true, false]) {
  test.describe(`selection with JavaScript ${js ? 'on' : 'off'}`, () => {
    test.use({ javaScriptEnabled: js });

    test('a hiring manager scores blind, rejects one with a reason and moves the other to interview', async ({
      page: admin,
      browser,
      baseURL,
    }) => {
      test.setTimeout(90_000);
      const tag = `${js ? 'js' : 'nojs'}${Date.now()}`;
      const adminEmail = `selection-admin-${tag}@example.org`;
      await signIn(admin, createAdmin(adminEmail, 'Pat Admin', baseURL!), adminEmail, js);

      // HR invites a hiring manager and sets up a name-blind vacancy for them.
      const hmEmail = `selection-hm-${tag}@example.org`;
      const title = `Data protection lead ${tag}`;
      const vacancy = await publishVacancy(admin, baseURL!, hmEmail, {
        title, team: 'Legal', location: 'Leeds', salary_min: '40000', salary_max: '45000',
        summary: 'Lead our data protection work.', description: 'You will lead it.',
        criterion_1_text: 'Experience of audits', criterion_1_weight: '2', criterion_1_words: '250',
        criterion_2_text: 'Knowledge of retention rules', criterion_2_weight: '1', criterion_2_words: '250',
      });

      const first = { name: `Imogen Rejectable ${tag}`, email: `imogen-${tag}@example.com` };
      const second = { name: `Oscar Interviewee ${tag}`, email: `oscar-${tag}@example.com` };
      await apply(baseURL!, vacancy, first.name, first.email, MARKER);
      await apply(baseURL!, vacancy, second.name, second.email, MARKER);

      // The hiring manager sets a password from the invitation and signs in.
      const invitation = await mailTo(hmEmail);
      const link = new URL(invitation.match(/http:\/\/\S+\/staff\/set-password\/[A-Za-z0-9_-]+/)![0]).pathname;
      const context = await browser.newContext({ javaScriptEnabled: js });
      const hm = await context.newPage();
      const errors = watchErrors(hm);
      await signIn(hm, link, hmEmail, js);

      const noIdentityYet = async () => {
        for (const text of [first.name, first.email, second.name, second.email, 'my-cv.pdf', MARKER]) {
          await expect(hm.locator('body')).not.toContainText(text);
        }
      };

      await hm.getByRole('link', { name: 'Vacancies' }).click();
      await hm.getByRole('link', { name: title }).click();
      await hm.getByRole('link', { name: /^Candidates \(2 applications\)/ }).click();
      await expect(hm.getByRole('heading', { level: 1 })).toHaveText('Candidates');
      await expect(hm.getByRole('link', { name: 'Candidate 1', exact: true })).toBeVisible();
      await expect(hm.getByRole('link', { name: 'Candidate 2', exact: true })).toBeVisible();
      await noIdentityYet();
      if (js) {
        await hydrated(hm);
        await expectAccessible(hm);
      }

      // Score both, blind. A submission with a score missing comes back with the error.
      for (const n of [1, 2]) {
        await hm.getByRole('link', { name: `Candidate ${n}`, exact: true }).click();
        await expect(hm.getByRole('heading', { level: 1 })).toHaveText(`Candidate ${n}`);
        await expect(hm.getByText('I have led two audits.')).toBeVisible();
        await expect(hm.getByText('Hidden during the name-blind sift')).toBeVisible();
        await noIdentityYet();
        if (js) await expectAccessible(hm);
        await hm.getByLabel('Score', { exact: true }).first().selectOption(n === 1 ? '2' : '6');
        if (n === 1) {
          await hm.getByRole('button', { name: 'Submit scores' }).click();
          await expect(hm).toHaveTitle(/^Error: Candidate 1/);
          await expect(hm.getByRole('alert')).toContainText('Choose a score for criterion 2');
          if (js) await expectAccessible(hm);
        }
        await hm.getByLabel('Score', { exact: true }).nth(1).selectOption(n === 1 ? '3' : '5');
        await hm.getByLabel('Evidence', { exact: true }).first().fill(`Evidence for candidate ${n}`);
        await hm.getByRole('button', { name: 'Submit scores' }).click();
        await expect(hm.getByText('Your scores are submitted.')).toBeVisible();
        await hm.getByRole('link', { name: 'Back to candidates' }).click();
      }
      await expect(hm.getByText('Average 2.33')).toBeVisible();
      await expect(hm.getByText('Average 5.67')).toBeVisible();

      // Reject the first with a reason; the applicant gets the letter with the feedback.
      await hm.getByRole('link', { name: 'Candidate 1', exact: true }).click();
      await hm.getByRole('button', { name: 'Reject and tell the applicant' }).click();
      await expect(hm).toHaveTitle(/^Error: Candidate 1/);
      await expect(hm.getByRole('alert')).toContainText('Select the reason for rejecting');
      if (js) await expectAccessible(hm);
      await hm.getByLabel('Reason', { exact: true }).selectOption({ label: 'Did not show the essential criteria' });
      await hm.getByLabel('Feedback for the applicant (optional)').fill('More detail on audits would help.');
      await hm.getByRole('button', { name: 'Reject and tell the applicant' }).click();
      await expect(hm.getByText('Candidate rejected.')).toBeVisible();
      await noIdentityYet();
      const letter = await mailTo(first.email, 'Subject: Your application for');
      expect(letter).toContain('More detail on audits would help.');

      // Move the second to interview: only now does the page say who they are.
      await hm.getByRole('link', { name: 'Back to candidates' }).click();
      await hm.getByRole('link', { name: 'Candidate 2', exact: true }).click();
      await noIdentityYet();
      await hm.getByLabel('Move to stage').selectOption({ label: 'Interview' });
      await hm.getByRole('button', { name: 'Move candidate' }).click();
      await expect(hm.getByText('Candidate moved.')).toBeVisible();
      await expect(hm.getByRole('heading', { level: 1 })).toHaveText(second.name);
      await expect(hm.getByText(second.email)).toBeVisible();
      await expect(hm.getByRole('link', { name: /Download CV: my-cv.pdf/ })).toBeVisible();
      await expect(hm.getByText('Moved from Applied to Interview')).toBeVisible();
      await expect(hm.locator('body')).not.toContainText(MARKER);
      if (js) await expectAccessible(hm);
      await hm.getByRole('link', { name: 'Back to candidates' }).click();
      await expect(hm.getByRole('link', { name: second.name })).toBeVisible();
      await expect(hm.locator('body')).not.toContainText(first.name);
      if (js) await expectAccessible(hm);
      expect(errors).toEqual([]);
      await context.close();
    });
  });
}
