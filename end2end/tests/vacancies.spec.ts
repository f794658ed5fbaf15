// Vacancy management from outside: an HR administrator creates a vacancy (a mistake first),
// makes themselves its hiring manager, publishes it, finds it on the careers page with the
// location filter, reads its privacy notice, then closes it and gets the closing alert — with
// JavaScript on (every page scanned by axe-core) and off.
import { test, expect } from '@playwright/test';
import { createAdmin, expectAccessible, hydrated, mailTo, signIn, watchErrors } from './helpers';

for (const js of [true, false]) {
  test.describe(`vacancy management with JavaScript ${js ? 'on' : 'off'}`, () => {
    test.use({ javaScriptEnabled: js });

    test('HR creates, publishes and closes a vacancy that applicants can find', async ({ page, baseURL }) => {
      const errors = watchErrors(page);
      const tag = `${js ? 'js' : 'nojs'}${Date.now()}`;
      const name = `Vic Admin ${tag}`;
      const email = `vacancies-${tag}@example.org`;
      await signIn(page, createAdmin(email, name, baseURL!), email, js);

      await page.getByRole('link', { name: 'Vacancies' }).click();
      await expect(page.getByRole('heading', { level: 1 })).toHaveText('Vacancies');
      if (js) await expectAccessible(page);
      await page.getByRole('link', { name: 'Create a vacancy' }).click();
      await expect(page.getByRole('heading', { level: 1 })).toHaveText('Create a vacancy');
      if (js) {
        await hydrated(page);
        await expectAccessible(page);
      }

      // A mistake: nothing typed but the title. The form comes back with what was typed.
      const title = `Pensions adviser ${tag}`;
      await page.getByLabel('Job title').fill(title);
      await page.getByRole('button', { name: 'Save as draft' }).click();
      await expect(page).toHaveTitle(/^Error: Create a vacancy/);
      await expect(page.getByRole('alert')).toContainText('Enter the team');
      await expect(page.getByRole('alert')).toContainText('Enter at least one criterion');
      await expect(page.getByLabel('Job title')).toHaveValue(title);
      if (js) await expectAccessible(page);
      // The error summary links to the field.
      await page.getByRole('alert').getByRole('link', { name: 'Enter the team' }).click();
      await expect(page.getByLabel('Team', { exact: true })).toBeFocused();

      await page.getByLabel('Team', { exact: true }).fill('Pensions');
      await page.getByLabel('Location', { exact: true }).fill('Harrogate, 3 days in the office');
      await page.getByLabel('Lowest salary (£ a year)').fill('31000');
      await page.getByLabel('Highest salary (£ a year)').fill('35,500');
      await page.getByLabel('Day', { exact: true }).fill('15');
      await page.getByLabel('Month', { exact: true }).fill('1');
      await page.getByLabel('Year', { exact: true }).fill('2027');
      await page.getByLabel('Closing time (UK time)').fill('5pm');
      await page.getByLabel('Summary').fill('Help our members plan their retirement.');
      await page.getByLabel('Description').fill('You will answer questions.\n\nYou will love it.');
      await page.getByLabel('Job family (optional)').fill(`Pensions${tag}`);
      await page.getByLabel('Location tags (optional)').fill(`Harrogate${tag}, Remote`);
      await page.getByLabel('Assessment').uncheck();
      await page.locator('#criterion_1_text').fill('Knowledge of pension schemes');
      await page.locator('#criterion_1_weight').fill('3');
      await page.locator('#question_1_text').fill('Can you travel to Harrogate?');
      await page.locator('#question_1_expected').selectOption('yes');
      await page.getByLabel(name, { exact: true }).selectOption('hiring_manager');
      await page.getByRole('button', { name: 'Save as draft' }).click();
      await expect(page.getByText('Vacancy saved as a draft.')).toBeVisible();
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
      if (js) await expectAccessible(page);

      await page.getByRole('button', { name: 'Publish vacancy' }).click();
      await expect(page.getByText('Vacancy published.')).toBeVisible();
      await expect(page.getByText('The criteria were fixed when the vacancy was published')).toBeVisible();
      const editor = page.url().split('?')[0];

      // Applicants find it with the location filter, and read how their data is used.
      await page.goto('/');
      await page.getByLabel('Location').selectOption(`Harrogate${tag}`);
      await page.getByRole('button', { name: 'Apply filters' }).click();
      await expect(page).toHaveURL(new RegExp(`location=Harrogate${tag}`));
      await expect(page.locator('#vacancy-count')).toHaveText('1 vacancy matching your filters');
      if (js) await expectAccessible(page);
      await page.getByRole('link', { name: title }).click();
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
      await expect(page.getByText('Knowledge of pension schemes')).toBeVisible();
      await expect(page.getByRole('heading', { name: 'How we use your information' })).toBeVisible();
      await expect(page.getByText('we delete your application 6 months after the decision')).toBeVisible();
      if (js) await expectAccessible(page);

      // HR closes it early; the hiring manager is told, with no applicant in the subject.
      await page.goto(editor);
      await page.getByLabel('I want to close this vacancy now').check();
      await page.getByRole('button', { name: 'Close vacancy' }).click();
      await expect(page.getByText('Vacancy closed.')).toBeVisible();
      if (js) await expectAccessible(page);
      const mail = await mailTo(email, title);
      expect(mail).toContain(`Subject: Applications have closed: ${title}`);
      expect(mail).toContain('You have 0 applications to consider');
      await page.goto('/');
      await expect(page.getByRole('link', { name: title })).toHaveCount(0);
      expect(errors).toEqual([]);
    });
  });
}
