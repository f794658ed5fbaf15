// Reports from outside: HR runs the recruitment funnel and the diversity funnel, sees the
// server-drawn charts and tables, downloads both as CSV, and is told plainly what is
// suppressed. With JavaScript on (axe-core on every page) and off. The diversity report never
// shows an applicant's own words, and a bad month is refused with an error summary.
import { test, expect } from '@playwright/test';
import { apply, createAdmin, expectAccessible, hydrated, publishVacancy, signIn, watchErrors } from './helpers';

for (const js of [true, false]) {
  test.describe(`reports with JavaScript ${js ? 'on' : 'off'}`, () => {
    test.use({ javaScriptEnabled: js });

    test('HR runs the funnel and the diversity funnel, with charts and CSV', async ({ page: hr, baseURL }) => {
      test.setTimeout(120_000);
      const errors = watchErrors(hr);
      const tag = `${js ? 'js' : 'nojs'}${Date.now()}`;
      const email = `reports-admin-${tag}@example.org`;
      await signIn(hr, createAdmin(email, 'Pat Admin', baseURL!), email, js);
      const vacancy = await publishVacancy(hr, baseURL!, `reports-hm-${tag}@example.org`, {
        title: `Payroll officer ${tag}`, team: 'Finance', location: 'Leeds', salary_min: '28000', salary_max: '31000',
        summary: 'Run our payroll.', description: 'You will run it.',
        criterion_1_text: 'Experience of payroll', criterion_1_weight: '1', criterion_1_words: '250',
        criterion_2_text: 'Attention to detail', criterion_2_weight: '1', criterion_2_words: '250',
      });
      // Enough applications this year for the diversity funnel's base.
      for (let i = 0; i < 10; i++) {
        await apply(baseURL!, vacancy, `Report Person ${i} ${tag}`, `report-${i}-${tag}@example.com`, 'Report-EO-Marker');
      }

      await hr.goto('/staff');
      await hr.getByRole('link', { name: 'Recruitment funnel report' }).click();
      await expect(hr.getByRole('heading', { name: 'Recruitment funnel', level: 1 })).toBeVisible();
      if (js) await hydrated(hr);
      await expect(hr.getByRole('img', { name: /Applications reaching each stage/ })).toBeVisible();
      const applied = hr.locator('#funnel-steps tbody tr').first();
      await expect(applied.locator('th')).toHaveText('Applied');
      expect(Number(await applied.locator('td').first().textContent())).toBeGreaterThanOrEqual(10);
      if (js) await expectAccessible(hr);

      // Narrowed to the vacancy: exactly its ten applications.
      await hr.getByLabel('Vacancy').selectOption({ label: `Payroll officer ${tag}` });
      await hr.getByRole('button', { name: 'Run report' }).click();
      await expect(hr.locator('#funnel-scope')).toContainText(`10 applications (applied`);
      await expect(hr.locator('#funnel-scope')).toContainText(`vacancy Payroll officer ${tag}`);
      const funnelCsv = await hr.request.get(await hr.getByRole('link', { name: 'Download this report (CSV)' }).getAttribute('href') as string);
      expect(funnelCsv.status()).toBe(200);
      expect(funnelCsv.headers()['content-type']).toContain('text/csv');
      expect(await funnelCsv.text()).toContain('"Applied",10,');

      // A month that is not a month is refused, with a way back.
      await hr.getByLabel('First month applied').fill('2026-13');
      await hr.getByRole('button', { name: 'Run report' }).click();
      await expect(hr.getByRole('alert')).toContainText('Enter a month as year and month');
      if (js) await expectAccessible(hr);

      await hr.goto('/staff');
      await hr.getByRole('link', { name: 'Diversity funnel report' }).click();
      await expect(hr.getByRole('heading', { name: 'Diversity funnel', level: 1 })).toBeVisible();
      if (js) await hydrated(hr);
      await expect(hr.locator('#disclosure-note')).toContainText('any figure below 10 is shown as “fewer than 10”');
      await expect(hr.getByRole('img', { name: /Sex: applications by answer/ })).toBeVisible();
      await expect(hr.getByRole('table', { name: 'Sex: furthest stage reached, by answer' })).toBeVisible();
      await expect(hr.locator('body')).not.toContainText('Report-EO-Marker');
      if (js) await expectAccessible(hr);
      const diversityCsv = await hr.request.get(await hr.getByRole('link', { name: 'Download this report (CSV)' }).getAttribute('href') as string);
      expect(diversityCsv.status()).toBe(200);
      const csv = await diversityCsv.text();
      expect(csv).toContain('"Diversity funnel"');
      expect(csv).not.toContain('Report-EO-Marker');
      // Every number in the CSV's tables is at least the threshold.
      for (const n of csv.split(/[,\r\n]/).map((f) => f.replace(/"/g, '')).filter((f) => /^\d+$/.test(f))) {
        expect(Number(n)).toBeGreaterThanOrEqual(10);
      }
      expect(errors).toEqual([]);
    });
  });
}
