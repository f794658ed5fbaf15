// The application journey from outside: an applicant applies for a demo vacancy with
// JavaScript on (clicking, with axe-core on every page and every error state) and again with
// JavaScript off using the keyboard alone, uploading a real PDF each time, and receives the
// receipt with the reference through the mail outbox.
import { test, expect, type Browser, type Locator, type Page } from '@playwright/test';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DPO_ID, expectAccessible, hydrated, mailTo, watchErrors } from './helpers';

/** A small real PDF (one blank page). */
const PDF = `%PDF-1.4
1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj
2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj
3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj
trailer<</Root 1 0 R>>
%%EOF
`;

function pdfFile(): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'shortlist-')), 'My CV.pdf');
  fs.writeFileSync(file, PDF);
  return file;
}

async function newPage(browser: Browser, js: boolean): Promise<Page> {
  const context = await browser.newContext({ javaScriptEnabled: js });
  return context.newPage();
}

/** Presses Tab until `target` has focus: proves it can be reached with the keyboard. */
async function tabTo(page: Page, target: Locator) {
  const handle = await target.elementHandle();
  for (let i = 0; i < 150; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((el) => document.activeElement === el, handle)) return;
  }
  throw new Error(`could not reach ${target} with the Tab key`);
}

/** What the journey does on each page, either by pointer (JavaScript on) or keyboard only. */
interface Driver {
  fill(label: string | RegExp, value: string): Promise<void>;
  choose(group: string | RegExp, option: string | RegExp): Promise<void>;
  tick(label: string | RegExp): Promise<void>;
  press(button: string): Promise<void>;
  upload(label: string, file: string): Promise<void>;
}

function pointer(page: Page): Driver {
  return {
    fill: (label, value) => page.getByLabel(label, { exact: typeof label === 'string' }).fill(value),
    choose: (group, option) => page.getByRole('group', { name: group }).getByLabel(option, { exact: true }).check(),
    tick: (label) => page.getByLabel(label).check(),
    press: (button) => page.getByRole('button', { name: button }).click(),
    upload: (label, file) => page.getByLabel(label).setInputFiles(file),
  };
}

function keyboard(page: Page): Driver {
  return {
    async fill(label, value) {
      await tabTo(page, page.getByLabel(label, { exact: typeof label === 'string' }));
      await page.keyboard.press('ControlOrMeta+a');
      await page.keyboard.type(value);
    },
    async choose(group, option) {
      // Tab reaches a radio group once (its checked radio, or the first); arrow keys then
      // move through it, selecting as they go.
      const g = page.getByRole('group', { name: group });
      const wanted = g.getByLabel(option, { exact: true });
      const checked = g.locator('input[type=radio]:checked');
      const entry = (await checked.count()) > 0 ? checked : g.locator('input[type=radio]').first();
      await tabTo(page, entry);
      if ((await checked.count()) === 0) await page.keyboard.press('Space');
      for (let i = 0; i < 20 && !(await wanted.isChecked()); i++) await page.keyboard.press('ArrowDown');
      await expect(wanted).toBeChecked();
    },
    async tick(label) {
      await tabTo(page, page.getByLabel(label));
      await page.keyboard.press('Space');
    },
    async press(button) {
      await tabTo(page, page.getByRole('button', { name: button }));
      await page.keyboard.press('Enter');
    },
    async upload(label, file) {
      await tabTo(page, page.getByLabel(label));
      const chooser = page.waitForEvent('filechooser');
      await page.keyboard.press('Space');
      await (await chooser).setFiles(file);
    },
  };
}

async function journey(page: Page, js: boolean, email: string) {
  const errors = watchErrors(page);
  const go: Driver = js ? pointer(page) : keyboard(page);
  const scan = async () => {
    if (js) await expectAccessible(page);
  };
  const heading = async (text: string | RegExp) =>
    expect(page.getByRole('heading', { level: 1, name: text })).toBeVisible();

  await page.goto(`/vacancies/${DPO_ID}`);
  if (js) await hydrated(page);
  if (js) await page.getByRole('link', { name: 'Apply for this job' }).click();
  else {
    await tabTo(page, page.getByRole('link', { name: 'Apply for this job' }));
    await page.keyboard.press('Enter');
  }
  await heading(/Apply for Senior Data Protection Officer/);
  await scan();
  await go.press('Start now');

  // About you: first a mistake, to see the error state.
  await heading('About you');
  await scan();
  await go.fill('Full name', 'Ada <b>Lovelace</b>');
  await go.fill('Email address', 'ada.example.org');
  await go.choose('How would you like us to contact you?', 'Email');
  await go.press('Save and continue');
  await expect(page).toHaveTitle(/^Error: About you/);
  const summary = page.getByRole('alert');
  await expect(summary).toContainText('Enter an email address in the correct format');
  await expect(page.getByLabel('Full name', { exact: true })).toHaveValue('Ada <b>Lovelace</b>');
  await scan();
  await go.fill('Email address', email);
  await go.press('Save and continue');

  await heading('Your eligibility');
  await scan();
  await go.choose('Do you have the right to work in the UK?', 'Yes');
  await go.fill('What is your notice period?', '1 month');
  await go.fill('Day', '31');
  await go.fill('Month', '2');
  await go.fill('Year', '2027');
  await go.press('Save and continue');
  await expect(page.getByRole('alert')).toContainText('Earliest start date must be a real date');
  await scan();
  await go.fill('Day', '1');
  await go.fill('Month', '3');
  await go.press('Save and continue');

  await heading('Your CV and covering statement');
  await scan();
  await go.fill('Covering statement', 'I have led data protection work for eight years.');
  if (js) await expect(page.getByText('You have 741 words remaining')).toBeVisible();
  await go.upload('Upload your CV', pdfFile());
  await go.press('Save and continue');

  await heading('How you meet the person specification');
  await scan();
  for (const n of [1, 2, 3]) await go.fill(`Your answer to criterion ${n}`, `Evidence for criterion ${n}.`);
  await go.press('Save and continue');

  await heading('How did you hear about this job?');
  await scan();
  await go.choose('How did you hear about this job?', 'A job board or job website');
  await go.press('Save and continue');

  await heading('Adjustments for your interview');
  await scan();
  await go.choose('Do you need any adjustments?', 'No');
  await go.press('Save and continue');

  await heading('Being considered for other jobs');
  await scan();
  await expect(page.getByRole('checkbox')).not.toBeChecked();
  await go.tick(/may keep my application for 12 months/);
  await go.press('Save and continue');

  await heading('Equal opportunities monitoring');
  await expect(page.getByText('never see your answers').first()).toBeVisible();
  await scan();
  await go.choose('What is your ethnic group?', 'White');
  await go.choose('What is your sex?', 'Prefer not to say');
  await go.choose('What is your age?', '35 to 44');
  await go.press('Save and continue');

  await heading('Your ethnic background');
  await scan();
  await go.choose('White', 'Any other White background');
  await go.press('Save and continue');

  await heading('Check your answers before sending your application');
  await scan();
  await expect(page.getByText('Ada <b>Lovelace</b>')).toBeVisible();
  await expect(page.getByText('My CV.pdf')).toBeVisible();
  await go.press('Accept and send');
  await expect(page.getByRole('alert')).toContainText('Confirm that the information you have given is true');
  await scan();
  await go.tick(/I confirm that the information I have given is true/);
  await go.press('Accept and send');

  await expect(page.getByRole('heading', { name: 'Application sent' })).toBeVisible();
  const reference = (await page.locator('.panel__body strong').textContent())!.trim();
  expect(reference).toMatch(/^SL-[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}$/);
  await scan();
  const receipt = await mailTo(email, 'Application received');
  expect(receipt).toContain(`Subject: Application received: ${reference}`);
  expect(receipt).toContain('Dear Ada <b>Lovelace</b>');
  await portal(page, go, js, email, receipt, reference);
  // The journey makes mistakes on purpose: those answers are 422 (invalid input) and, after
  // signing out of the portal, 401. Anything else — a 5xx, a panic, a script error — fails.
  expect(errors.filter((e) => !/status of (401|422) /.test(e))).toEqual([]);
}

/** The applicant portal, reached from the receipt: see the application, stop the reserve
 *  list with one action, withdraw (after confirming), sign out, and ask for a new link. */
async function portal(page: Page, go: Driver, js: boolean, email: string, receipt: string, reference: string) {
  const scan = async () => {
    if (js) await expectAccessible(page);
  };
  const link = receipt.match(/https?:\/\/\S+\/portal\/open\/[A-Za-z0-9_-]{43}/)?.[0];
  expect(link, receipt).toBeTruthy();
  await page.goto(new URL(link!).pathname);
  await expect(page).toHaveURL('/portal');
  if (js) await hydrated(page);
  await expect(page.getByRole('heading', { level: 1, name: 'Your applications' })).toBeVisible();
  const card = page.getByRole('region', { name: 'Senior Data Protection Officer' });
  await expect(card).toContainText(reference);
  await expect(card).toContainText('Received: we are considering your application');
  await expect(card).toContainText(/Kept for other jobs\s*Yes/);
  await expect(page.getByText('Ada <b>Lovelace</b>')).toBeVisible();
  await scan();

  await go.press('Stop keeping this application for other jobs');
  await expect(page.getByText('We will no longer keep your application for other jobs.')).toBeVisible();
  await expect(card).toContainText(/Kept for other jobs\s*No/);
  await scan();

  if (js) await page.getByRole('link', { name: /Withdraw this application/ }).click();
  else {
    await tabTo(page, page.getByRole('link', { name: /Withdraw this application/ }));
    await page.keyboard.press('Enter');
  }
  await expect(page.getByRole('heading', { level: 1, name: 'Are you sure you want to withdraw your application?' })).toBeVisible();
  await scan();
  await go.press('Withdraw application');
  await expect(page.getByText('Your application has been withdrawn.')).toBeVisible();
  await expect(card).toContainText('Withdrawn by you');
  await scan();

  await go.press('Sign out');
  await expect(page).toHaveURL(/\/portal\/sign-in\?signed-out=1/);
  await page.goto('/portal');
  await expect(page.getByRole('heading', { name: 'Your link has ended' })).toBeVisible();
  await page.goto('/portal/sign-in');
  if (js) await hydrated(page);
  await go.fill('Email address', 'not an address');
  await go.press('Send me a link');
  await expect(page).toHaveTitle(/^Error: Get a link to your applications/);
  await scan();
  await go.fill('Email address', email);
  await go.press('Send me a link');
  await expect(page.getByRole('heading', { name: 'Check your email' })).toBeVisible();
  await scan();
  await mailTo(email, 'Subject: Your link to your applications');
}

test('an applicant applies with JavaScript on, every page and error state accessible', async ({ browser }) => {
  const page = await newPage(browser, true);
  await journey(page, true, `ada.js.${Date.now()}@example.org`);
});

test('an applicant applies with JavaScript off using only the keyboard', async ({ browser }) => {
  const page = await newPage(browser, false);
  await journey(page, false, `ada.nojs.${Date.now()}@example.org`);
});
