// Retention from outside: HR sees on the board and the candidate page when each candidate's
// data will be deleted and by which rule; a rejection starts the six months; a legal hold (with
// a reason, refused without one) stops the purge — `server purge --dry-run` no longer lists
// the candidate — and releasing it brings the date back. With JavaScript on (axe-core on every
// page) and off.
import { test, expect } from '@playwright/test';
import { apply, createAdmin, expectAccessible, hydrated, publishVacancy, purgeDryRun, signIn, watchErrors } from './helpers';

/** `months` calendar months from today, as YYYY-MM-DD. */
function monthsAhead(months: number): string {
  const d = new Date();
  d.setUTCMonth(d.getUTCMonth() + months);
  return d.toISOString().slice(0, 10);
}

for (const js of [true, false]) {
  test.describe(`retention with JavaScript ${js ? 'on' : 'off'}`, () => {
    test.use({ javaScriptEnabled: js });

    test('HR sees the deletion date and rule, and a legal hold keeps a rejected candidate', async ({ page: hr, baseURL }) => {
      test.setTimeout(90_000);
      const errors = watchErrors(hr);
      const tag = `${js ? 'js' : 'nojs'}${Date.now()}`;
      const email = `retention-admin-${tag}@example.org`;
      await signIn(hr, createAdmin(email, 'Pat Admin', baseURL!), email, js);
      // A vacancy needs a hiring manager before it is published.
      const vacancy = await publishVacancy(hr, baseURL!, `retention-hm-${tag}@example.org`, {
        title: `Records officer ${tag}`, team: 'Records', location: 'York', salary_min: '28000', salary_max: '31000',
        summary: 'Keep our records.', description: 'You will keep them.',
        criterion_1_text: 'Experience of records', criterion_1_weight: '1', criterion_1_words: '250',
        criterion_2_text: 'Attention to detail', criterion_2_weight: '1', criterion_2_words: '250',
      });
      await apply(baseURL!, vacancy, `Rowan Retained ${tag}`, `rowan-${tag}@example.com`, 'Retention-EO-Marker');

      // The board: each card says when the candidate's data goes while no decision is made.
      await hr.goto(`/staff/vacancies/${vacancy}/candidates`);
      if (js) await hydrated(hr);
      await expect(hr.getByText(/Kept until \d{1,2} \w+ \d{4} — In progress: if no decision is made within 90 days/)).toBeVisible();
      await expect(hr.getByRole('heading', { name: 'Retention and legal holds' })).toBeVisible();
      if (js) await expectAccessible(hr);

      // Rejected: six months from the decision.
      await hr.getByRole('link', { name: 'Candidate 1', exact: true }).click();
      const id = new URL(hr.url()).pathname.split('/').pop()!;
      await hr.getByLabel('Reason', { exact: true }).selectOption({ label: 'Did not show the essential criteria' });
      await hr.getByRole('button', { name: 'Reject and tell the applicant' }).click();
      await expect(hr.getByText('Candidate rejected.')).toBeVisible();
      await expect(hr.locator('#retention-date')).toHaveText(/^Kept until \d{1,2} \w+ \d{4} — Unsuccessful: kept for the period after the decision$/);
      expect(purgeDryRun(monthsAhead(7))).toContain(id);
      if (js) await expectAccessible(hr);

      // A hold needs a reason.
      await hr.getByRole('button', { name: 'Place legal hold' }).click();
      await expect(hr).toHaveTitle(/^Error: /);
      await expect(hr.getByRole('alert')).toContainText('Enter why the application must be kept');
      if (js) await expectAccessible(hr);
      await hr.getByLabel('Place a legal hold on this candidate').fill('Employment tribunal claim <b>ET/42</b>');
      await hr.getByRole('button', { name: 'Place legal hold' }).click();
      await expect(hr.getByText('Legal hold placed.')).toBeVisible();
      await expect(hr.locator('#retention-date')).toHaveText('No deletion date yet — Legal hold: kept until the hold is released');
      await expect(hr.getByText('A legal hold is in force')).toBeVisible();
      await expect(hr.getByRole('cell', { name: 'Employment tribunal claim <b>ET/42</b>' })).toBeVisible();
      const held = purgeDryRun(monthsAhead(7));
      expect(held).not.toContain(id);
      if (js) await expectAccessible(hr);

      // Released: the rules apply again and the dry run lists the candidate once more.
      await hr.getByRole('button', { name: 'Release hold' }).click();
      await expect(hr.getByText('Legal hold released.')).toBeVisible();
      await expect(hr.locator('#retention-date')).toHaveText(/^Kept until /);
      await expect(hr.getByText(/Released by Pat Admin on/)).toBeVisible();
      expect(purgeDryRun(monthsAhead(7))).toContain(id);
      if (js) await expectAccessible(hr);

      // The overview: from the staff home, what is due soon, the holds in force, the purge log.
      await hr.goto('/staff');
      await hr.getByRole('link', { name: 'Retention and purges' }).click();
      await expect(hr.getByRole('heading', { level: 1 })).toHaveText('Retention and purges');
      await expect(hr.getByRole('heading', { name: /^Due for deletion in the next 30 days/ })).toBeVisible();
      await expect(hr.getByRole('heading', { name: 'Purge log' })).toBeVisible();
      await expect(hr.getByRole('heading', { name: 'Applications by rule' })).toBeVisible();
      // Six months (the default) is shorter than the longest wait for a tribunal claim.
      await expect(hr.locator('#claim-warning')).toContainText('employment-tribunal claim');
      if (js) {
        await hydrated(hr);
        await expectAccessible(hr);
      }
      // The schedule HR publishes, generated from the settings, with its CSV.
      await hr.getByRole('link', { name: 'The retention schedule' }).click();
      await expect(hr.getByRole('heading', { level: 1 })).toHaveText('Retention schedule');
      await expect(hr.getByRole('rowheader', { name: 'Applications', exact: true })).toBeVisible();
      const csv = await hr.request.get('/staff/retention/schedule.csv');
      expect(csv.status()).toBe(200);
      expect(await csv.text()).toContain('"Equal-opportunities monitoring"');
      if (js) {
        await hydrated(hr);
        await expectAccessible(hr);
      }
      expect(errors).toEqual([]);
    });
  });
}
