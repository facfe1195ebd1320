import { readFileSync } from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { makeResumePdf } from '../fixtures/resumes/resume-pdf.mjs';
import { recordRequests, uniqueEmail } from './helpers';

const fromResume = 'From your resume, please check';
// PDF.js's chunk is recognised by what it holds: Turbopack names chunks by hash.
const pdfJsMarker = 'WorkerMessageHandler';
const isScript = (url: URL) => url.pathname.startsWith('/_next/static/') && /\.(?:m?js|ts)$/.test(url.pathname);

/** The scripts fetched from now on that carry PDF.js (the page's and its workers'). */
function recordPdfJs(page: Page): string[] {
  const fetched: string[] = [];
  page.on('response', async (response) => {
    if (!isScript(new URL(response.url()))) return;
    const body = await response.body().catch(() => Buffer.alloc(0));
    if (body.includes(pdfJsMarker)) fetched.push(new URL(response.url()).pathname);
  });
  return fetched;
}

async function resume(first: string, last: string, email: string) {
  const buffer = await makeResumePdf({ pages: [{ name: `${first} ${last}`, contact: ['Remote  ·  +1 555 0100', email] }] });
  return { name: `${first} ${last} resume.pdf`, mimeType: 'application/pdf', buffer };
}

async function expectNoViolations(page: Page, state: string) {
  const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  expect(violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`), state).toEqual([]);
}

/** Unique addresses that are not example.com ones, which autofill skips as placeholders. */
const resumeEmail = (label: string) => uniqueEmail(label).replace('@example.com', '@resume-drop.dev');

test('choosing the resume first fills name and email; Submit is then one request @storage', async ({ page }) => {
  const pdfJs = recordPdfJs(page);
  // Hold PDF.js back for a moment, to see the page while it reads.
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  await page.route(isScript, async (route) => {
    const response = await route.fetch();
    const body = await response.body();
    if (body.includes(pdfJsMarker)) await released;
    await route.fulfill({ response, body });
  });
  await page.goto('/', { waitUntil: 'networkidle' });
  await expect(page.getByText('Start with your resume, and we will fill in what we can.')).toBeVisible();
  await expectNoViolations(page, 'empty');
  // PDF.js is not part of the page: it comes only once a file is chosen.
  expect(pdfJs).toEqual([]);

  const email = resumeEmail('first');
  await page.getByLabel('Resume (PDF or Word)').setInputFiles(await resume('Ada', 'Lovelace', email));
  await expect(page.getByText('Reading your resume to fill in your details…')).toBeVisible();
  await expectNoViolations(page, 'reading');
  release();

  await expect(page.getByLabel('First name')).toHaveValue('Ada');
  await expect(page.getByLabel('Last name')).toHaveValue('Lovelace');
  await expect(page.getByLabel('Email')).toHaveValue(email);
  await expect(page.getByText(fromResume)).toHaveCount(3);
  await expect(page.getByLabel('Email')).toHaveAccessibleDescription(fromResume);
  await expect(page.getByTestId('status')).toHaveText('We filled in your first name, last name and email from your resume. Please check them.');
  expect(pdfJs.length).toBeGreaterThan(0);
  await expect(page.getByText('Uploaded, ready to send')).toBeVisible();
  await expectNoViolations(page, 'filled');

  const afterSubmit = recordRequests(page);
  await page.getByRole('button', { name: 'Submit application' }).click();
  await expect(page.getByRole('heading', { name: 'Thanks, Ada Lovelace!' })).toBeVisible();
  await expect(page.getByText(`We will write to ${email}.`)).toBeVisible();
  expect(afterSubmit).toEqual(['POST /api/users']);
});

test('what the applicant typed is kept, before and after the fill; "Clear filled details" empties only the rest @storage', async ({ page }) => {
  await page.goto('/');
  await page.getByLabel('First name').fill('Augusta');
  const email = resumeEmail('typed');
  await page.getByLabel('Resume (PDF or Word)').setInputFiles(await resume('Ada', 'Lovelace', email));

  await expect(page.getByLabel('Last name')).toHaveValue('Lovelace');
  await expect(page.getByLabel('Email')).toHaveValue(email);
  await expect(page.getByLabel('First name')).toHaveValue('Augusta');
  await expect(page.getByText(fromResume)).toHaveCount(2);
  await expect(page.getByTestId('status')).toHaveText('We filled in your last name and email from your resume. Please check them.');

  // Changing a filled value makes it the applicant's own: no longer marked, and never cleared.
  await page.getByLabel('Last name').fill('King');
  await expect(page.getByText(fromResume)).toHaveCount(1);
  await page.getByRole('button', { name: 'Clear filled details' }).click();
  await expect(page.getByLabel('Email')).toHaveValue('');
  await expect(page.getByLabel('Email')).toBeFocused();
  await expect(page.getByLabel('First name')).toHaveValue('Augusta');
  await expect(page.getByLabel('Last name')).toHaveValue('King');
  await expect(page.getByText(fromResume)).toHaveCount(0);
  await expect(page.getByTestId('status')).toHaveText('Cleared the email filled in from your resume.');
  await expectNoViolations(page, 'cleared');

  // A resume chosen again fills the empty email, still not what was typed.
  const other = resumeEmail('again');
  await page.getByLabel('Resume (PDF or Word)').setInputFiles(await resume('Grace', 'Hopper', other));
  await expect(page.getByLabel('Email')).toHaveValue(other);
  await expect(page.getByLabel('First name')).toHaveValue('Augusta');
  await expect(page.getByLabel('Last name')).toHaveValue('King');

  await expect(page.getByText('Uploaded, ready to send')).toBeVisible();
  await page.getByRole('button', { name: 'Submit application' }).click();
  await expect(page.getByRole('heading', { name: 'Thanks, Augusta King!' })).toBeVisible();
});

test('a scanned resume fills nothing and shows no error', async ({ page }) => {
  await page.goto('/');
  const scanned = readFileSync(path.resolve('tests/fixtures/resumes/scanned.pdf'));
  await page.getByLabel('Resume (PDF or Word)').setInputFiles({ name: 'scan.pdf', mimeType: 'application/pdf', buffer: scanned });
  await expect(page.getByText('Uploaded, ready to send')).toBeVisible();
  await expect(page.getByText('Reading your resume to fill in your details…')).toHaveCount(0);
  for (const label of ['First name', 'Last name', 'Email']) await expect(page.getByLabel(label)).toHaveValue('');
  await expect(page.getByText(fromResume)).toHaveCount(0);
  await expect(page.locator('.field-error, .form-error, .upload-state.is-error')).toHaveCount(0);
  await expectNoViolations(page, 'scanned');
});

test('with Save-Data on, PDF.js is never fetched and nothing is filled', async ({ page }) => {
  await page.addInitScript(() => {
    Object.defineProperty(Navigator.prototype, 'connection', { configurable: true, get: () => ({ saveData: true }) });
  });
  const pdfJs = recordPdfJs(page);
  await page.goto('/');
  await page.getByLabel('Resume (PDF or Word)').setInputFiles(await resume('Ada', 'Lovelace', resumeEmail('save-data')));
  await expect(page.getByText('Uploaded, ready to send')).toBeVisible();
  await expect(page.getByText('Reading your resume to fill in your details…')).toHaveCount(0);
  expect(pdfJs).toEqual([]);
  await expect(page.getByLabel('First name')).toHaveValue('');
});

test("the page's initial JavaScript is at most 150 KB transferred", async ({ browser }) => {
  const context = await browser.newContext();
  const sizes: Promise<number>[] = [];
  context.on('requestfinished', (request) => {
    if (/\.(?:m?js|ts)$/.test(new URL(request.url()).pathname)) sizes.push(request.sizes().then((size) => size.responseBodySize + size.responseHeadersSize));
  });
  const page = await context.newPage();
  await page.goto('/', { waitUntil: 'networkidle' });
  const total = (await Promise.all(sizes)).reduce((sum, size) => sum + size, 0);
  await context.close();
  expect(total).toBeGreaterThan(0);
  expect(total).toBeLessThanOrEqual(150_000);
});
