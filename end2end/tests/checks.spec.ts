// Pre-employment checks and the hand-over of a hire, from outside: HR sets up a vacancy that
// needs an enhanced DBS check; one person applies; HR takes them to the offer, records the DBS
// check (an empty form first: the error summary) and the right to work with a PDF as evidence,
// marks them hired, downloads the hire as JSON and CSV — both checked against the documented
// schema in docs/ — and confirms the hand-over. With JavaScript on (pages scanned by axe-core)
// and off.
import { test, expect, type Page } from '@playwright/test';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PDF, apply, createAdmin, expectAccessible, publishVacancy, root, signIn, watchErrors } from './helpers';

type Schema = {
  type?: string | string[];
  const?: unknown;
  enum?: unknown[];
  required?: string[];
  properties?: Record<string, Schema>;
  additionalProperties?: boolean;
};

/** The problems of `value` against the subset of JSON Schema the hire schema uses. */
function check(schema: Schema, value: unknown, at: string, problems: string[]) {
  const kind =
    value === null ? 'null'
    : Array.isArray(value) ? 'array'
    : typeof value === 'number' ? (Number.isInteger(value) ? 'integer' : 'number')
    : typeof value;
  if (schema.type !== undefined) {
    const allowed = Array.isArray(schema.type) ? schema.type : [schema.type];
    if (!allowed.includes(kind)) {
      problems.push(`${at}: ${kind} is not ${allowed.join(' or ')}`);
      return;
    }
  }
  if (schema.const !== undefined && schema.const !== value) problems.push(`${at}: not ${schema.const}`);
  if (schema.enum !== undefined && !schema.enum.includes(value)) problems.push(`${at}: ${value} not allowed`);
  if (kind === 'object') {
    const fields = value as Record<string, unknown>;
    for (const name of schema.required ?? []) if (!(name in fields)) problems.push(`${at}.${name}: missing`);
    for (const [name, v] of Object.entries(fields)) {
      const s = schema.properties?.[name];
      if (s) check(s, v, `${at}.${name}`, problems);
      else if (schema.additionalProperties === false) problems.push(`${at}.${name}: not in the schema`);
    }
  }
}

async function download(page: Page, link: string): Promise<string> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: link }).click()]);
  return fs.readFileSync((await file.path())!, 'utf8');
}

for (const js of [true, false]) {
  test.describe(`checks and hand-over with JavaScript ${js ? 'on' : 'off'}`, () => {
    test.use({ javaScriptEnabled: js, acceptDownloads: true });

    test('HR records the checks at offer, exports the hire as JSON and CSV and confirms the hand-over', async ({
      page,
      baseURL,
    }) => {
      test.setTimeout(90_000);
      const errors = watchErrors(page);
      const tag = `${js ? 'js' : 'nojs'}${Date.now()}`;
      const adminEmail = `checks-admin-${tag}@example.org`;
      await signIn(page, createAdmin(adminEmail, 'Pat Admin', baseURL!), adminEmail, js);
      const title = `Safeguarding officer ${tag}`;
      const vacancy = await publishVacancy(page, baseURL!, `checks-hm-${tag}@example.org`, {
        title, team: 'Care', location: 'York', salary_min: '30000', salary_max: '34000',
        summary: 'Keep people safe.', description: 'You will keep people safe.',
        criterion_1_text: 'Safeguarding experience', criterion_1_weight: '1', criterion_1_words: '250',
        criterion_2_text: 'Record keeping', criterion_2_weight: '1', criterion_2_words: '250',
        name_blind: 'no', dbs_level: 'enhanced_barred',
      });
      const name = `Nadia Hireable ${tag}`;
      const email = `nadia-${tag}@example.com`;
      await apply(baseURL!, vacancy, name, email, 'no-marker');

      await page.goto(`/staff/vacancies/${vacancy}/candidates`);
      await page.getByRole('link', { name }).click();
      await expect(page.locator('#checks')).toHaveCount(0);
      for (const stage of ['Sift', 'Interview', 'Offer']) {
        await page.getByLabel('Move to stage').selectOption({ label: stage });
        await page.getByRole('button', { name: 'Move candidate' }).click();
        await expect(page.getByText('Candidate moved.')).toBeVisible();
      }

      // The checks appear at the offer. An empty DBS form comes back with its errors.
      await expect(page.getByRole('heading', { name: 'Pre-employment checks' })).toBeVisible();
      await expect(page.getByText('This post needs: Enhanced DBS check with barred list(s).')).toBeVisible();
      if (js) await expectAccessible(page);
      await page.getByRole('button', { name: 'Save DBS check' }).click();
      await expect(page).toHaveTitle(/^Error: /);
      await expect(page.getByRole('alert')).toContainText('Enter the certificate number');
      if (js) await expectAccessible(page);
      await page.getByLabel('Certificate number').fill('0012 3456 7890');
      await page.locator('#dbs_issued_day').fill('1');
      await page.locator('#dbs_issued_month').fill('11');
      await page.locator('#dbs_issued_year').fill(String(new Date().getFullYear()));
      await page.getByLabel('Clear: nothing disclosed').check();
      await page.getByRole('button', { name: 'Save DBS check' }).click();
      await expect(page.getByText('DBS check saved.')).toBeVisible();
      await expect(page.locator('#dbs-recorded')).toContainText('001234567890');

      const today = new Date();
      await page.getByLabel('Manual check of original documents').check();
      await page.locator('#rtw_checked_day').fill(String(today.getDate()));
      await page.locator('#rtw_checked_month').fill(String(today.getMonth() + 1));
      await page.locator('#rtw_checked_year').fill(String(today.getFullYear()));
      await page.getByLabel('Right to work with no time limit').check();
      await page.getByLabel('Evidence (optional)').setInputFiles({ name: 'passport.pdf', mimeType: 'application/pdf', buffer: PDF });
      await page.getByRole('button', { name: 'Save right-to-work check' }).click();
      await expect(page.getByText('Right-to-work check saved.')).toBeVisible();
      await expect(page.locator('#rtw-recorded')).toContainText('Right to work with no time limit');
      await expect(page.getByRole('link', { name: /Download the evidence: passport.pdf/ })).toBeVisible();
      if (js) await expectAccessible(page);

      // Offer accepted, hired: the hand-over.
      await page.getByLabel('Accepted').check();
      await page.getByRole('button', { name: 'Record the answer' }).click();
      await expect(page.getByText('The offer’s answer is recorded.')).toBeVisible();
      for (const stage of ['Pre-employment checks', 'Hired']) {
        await page.getByLabel('Move to stage').selectOption({ label: stage });
        await page.getByRole('button', { name: 'Move candidate' }).click();
        await expect(page.getByText('Candidate moved.')).toBeVisible();
      }
      await expect(page.getByRole('heading', { name: 'Hand-over to the HR system' })).toBeVisible();
      await expect(page.locator('#hand-over-state')).toHaveText('Not exported yet.');
      if (js) await expectAccessible(page);

      const schema = JSON.parse(fs.readFileSync(path.join(root, 'docs/hire-export-v1.schema.json'), 'utf8'));
      const hire = JSON.parse(await download(page, 'Download the hire as JSON'));
      const problems: string[] = [];
      check(schema, hire, '$', problems);
      expect(problems).toEqual([]);
      expect(hire.person.full_name).toBe(name);
      expect(hire.dbs).toMatchObject({ certificate_number: '001234567890', outcome: 'clear', level: 'enhanced_barred' });
      expect(hire.right_to_work).toMatchObject({ check_type: 'manual', outcome: 'unlimited', expires_on: null });
      expect(JSON.stringify(hire)).not.toContain('Safeguarding experience');

      const csv = (await download(page, 'Download the hire as CSV')).split('\r\n').filter((l) => l !== '');
      expect(csv).toHaveLength(2);
      const columns = csv[0].split(',').map((c) => c.replace(/"/g, ''));
      // The CSV's columns are the schema's fields, flattened with dots.
      const flattened = Object.entries(schema.properties as Record<string, Schema>).flatMap(([k, s]) =>
        s.properties ? Object.keys(s.properties).map((p) => `${k}.${p}`) : [k],
      );
      expect([...columns].sort()).toEqual([...flattened].sort());
      expect(csv[1]).toContain(`"${hire.application_reference}"`);

      await page.reload();
      await expect(page.locator('#hand-over-state')).toContainText('Last exported on');
      await page.getByRole('button', { name: 'Confirm the hand-over' }).click();
      await expect(page.getByText('Hand-over confirmed.')).toBeVisible();
      await expect(page.locator('#hand-over-state')).toContainText('Handed over on');
      await expect(page.getByRole('button', { name: 'Confirm the hand-over' })).toHaveCount(0);
      await expect(page.getByText('Hired: kept for the period after the hand-over')).toBeVisible();
      if (js) await expectAccessible(page);
      expect(errors).toEqual([]);
    });
  });
}
