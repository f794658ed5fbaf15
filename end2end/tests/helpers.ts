// Shared checks for the browser tests.
import { expect, request as playwrightRequest, type APIRequestContext, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** The repository. */
export const root = path.resolve(__dirname, '..', '..');
const targetDir = process.env.CARGO_TARGET_DIR ?? path.join(os.homedir(), '.cache/shortlist/target');

/** A password the policy accepts. */
export const PASSWORD = 'vivid-otter-lantern-42';

/** Runs `server create-admin` against the running server's database; returns the link path. */
export function createAdmin(email: string, name: string, baseURL: string): string {
  const out = execFileSync(
    path.join(targetDir, 'release/server'),
    ['create-admin', '--email', email, '--name', name],
    {
      cwd: root,
      env: {
        ...process.env,
        SHORTLIST_DATA_DIR: path.join(root, 'end2end/.run/data'),
        SHORTLIST_PUBLIC_URL: baseURL,
        SHORTLIST_LOG: 'warn',
      },
      encoding: 'utf8',
    },
  );
  const link = out.split('\n').find((line) => line.startsWith(baseURL));
  expect(link, out).toBeTruthy();
  return new URL(link!).pathname;
}

/** Sets a password through a set-password link, then signs in with it. */
export async function signIn(page: Page, linkPath: string, email: string, js: boolean) {
  await page.goto(linkPath);
  if (js) await hydrated(page);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByLabel('Confirm password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Save password' }).click();
  await expect(page.getByText('Your password has been set')).toBeVisible();
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL('/staff');
}

/** The three vacancies `server seed-demo` creates. */
export const SEEDED = [
  'Senior Data Protection Officer',
  'Recruitment Coordinator',
  'Software Developer (Rust)',
];

export const DPO_ID = '5e1ec7ed-0000-4000-8000-000000000001';

/** Collects console errors and uncaught exceptions so a test can assert there were none. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  page.on('pageerror', (err) => errors.push(String(err)));
  return errors;
}

/** Waits until the app has hydrated (an effect that only runs in the browser sets this). */
export async function hydrated(page: Page) {
  await expect(page.locator('[data-hydrated="true"]')).toHaveCount(1, { timeout: 15_000 });
}

/** Runs axe-core for WCAG 2.0, 2.1 and 2.2 A and AA and expects no violations. */
export async function expectAccessible(page: Page) {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'])
    .analyze();
  const summary = results.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
  );
  expect(summary, 'axe-core WCAG 2.2 A/AA violations').toEqual([]);
}

const outbox = path.join(root, 'end2end/.run/data/outbox');

/** A delivered message to `to` (whose text includes `containing`, if given), with
 *  quoted-printable undone. Waits up to 10 seconds for the dispatcher to deliver it. */
export async function mailTo(to: string, containing?: string): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const files = fs.existsSync(outbox) ? fs.readdirSync(outbox).filter((f) => f.endsWith('.eml')) : [];
    for (const f of files) {
      const raw = fs.readFileSync(path.join(outbox, f), 'utf8');
      const text = raw.includes('quoted-printable')
        ? raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)))
        : raw;
      if (
        text.split(/\r?\n/).some((l) => l.toLowerCase() === `to: ${to}`) &&
        (containing === undefined || text.includes(containing))
      ) {
        return text;
      }
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no message to ${to} in ${outbox}`);
}

/** A small real PDF (one blank page). */
export const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n' +
    '3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);

/** Posts a staff form as the signed-in page's browser does; returns where it redirected. */
export async function postForm(page: Page, baseURL: string, path: string, form: Record<string, string>): Promise<string> {
  const res = await page.request.post(path, { form, headers: { Origin: baseURL }, maxRedirects: 0 });
  expect(res.status(), `${path}: ${await res.text()}`).toBe(303);
  return res.headers()['location'];
}

/** One applicant sends a complete application through the journey's server functions; their
 *  monitoring answers carry `marker`. No reserve-list consent. */
export async function apply(baseURL: string, vacancy: string, name: string, email: string, marker: string) {
  const api: APIRequestContext = await playwrightRequest.newContext({
    baseURL,
    extraHTTPHeaders: { Origin: baseURL, Accept: 'application/json' },
  });
  const started = await api.post('/api/apply-start', { form: { vacancy }, maxRedirects: 0 });
  const id = started.headers()['location'].replace('/apply/', '').replace('/about-you', '');
  const step = async (endpoint: string, form: Record<string, string>) => {
    const res = await api.post(`/api/${endpoint}`, { form: { application: id, ...form }, maxRedirects: 0 });
    expect(res.headers()['location'], `${endpoint}: ${await res.text()}`).toMatch(new RegExp(`^/apply/${id}/`));
  };
  await step('apply-about-you', { full_name: name, email, contact_method: 'email' });
  const year = String(new Date().getFullYear() + 1);
  await step('apply-eligibility', {
    right_to_work: 'yes', notice_period: '1 month', start_day: '1', start_month: '2', start_year: year, salary: '30000',
  });
  const cv = await api.post('/api/apply-cv', {
    multipart: {
      application: id,
      covering_statement: `Covering statement of ${name.split(' ')[0] === 'Imogen' ? 'the first' : 'the second'} applicant.`,
      cv: { name: 'my-cv.pdf', mimeType: 'application/pdf', buffer: PDF },
    },
    maxRedirects: 0,
  });
  expect(cv.headers()['location'], await cv.text()).toContain('/person-specification');
  await step('apply-answers', { 'answers[0]': 'I have led two audits.', 'answers[1]': 'I wrote the retention schedule.' });
  await step('apply-source', { source: 'job_board' });
  await step('apply-adjustments', { adjustments_needed: 'no' });
  await step('apply-reserve-list', {});
  await step('apply-monitoring', { ethnic_group: 'white', sex: 'prefer_not', age_band: '35_44' });
  await step('apply-ethnicity', { ethnicity: 'white_other', ethnicity_other: marker });
  await step('apply-submit', { declaration: 'yes' });
  await api.dispose();
}

/** Runs `server purge --dry-run --as-of <day>` against the running server's data; its output. */
export function purgeDryRun(day: string): string {
  return execFileSync(path.join(targetDir, 'release/server'), ['purge', '--dry-run', '--as-of', day], {
    cwd: root,
    env: { ...process.env, SHORTLIST_DATA_DIR: path.join(root, 'end2end/.run/data'), SHORTLIST_LOG: 'warn' },
    encoding: 'utf8',
  });
}

/** HR (signed in on `page`) invites `hmEmail` as a hiring manager and creates and publishes a
 *  name-blind vacancy for them, closing on 15 January next year; `fields` give its title,
 *  team, location, salary, summary, description and criteria. Returns the vacancy's id. */
export async function publishVacancy(
  page: Page,
  baseURL: string,
  hmEmail: string,
  fields: Record<string, string>,
): Promise<string> {
  const account = await postForm(page, baseURL, '/staff/users/invite', {
    email: hmEmail, name: 'Morgan Manager', role: 'none',
  });
  const hmId = account.split('/').pop()!.split('?')[0];
  const created = await postForm(page, baseURL, '/staff/vacancies/new', {
    closes_day: '15', closes_month: '1', closes_year: String(new Date().getFullYear() + 1), closes_time: '5pm',
    posts: '1', job_family: '', location_tags: '', name_blind: 'yes', stage: 'interview',
    [`role_${hmId}`]: 'hiring_manager',
    ...fields,
  });
  const vacancy = created.split('/').pop()!.split('?')[0];
  expect(await postForm(page, baseURL, `/staff/vacancies/${vacancy}/publish`, {})).toContain('done=published');
  return vacancy;
}
