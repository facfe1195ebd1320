import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { docxContentType, makeDocx } from '../fixtures/docx';
import { fillApplicant, isStoragePut, uniqueEmail } from './helpers';

const bothAccepted = `application/pdf,.pdf,${docxContentType},.docx`;

test('a Word resume goes through the form, and a recruiter finds it by a word inside it, with a placeholder and in the CSV @storage', async ({ page }) => {
  // A word no other resume in this server's database contains.
  const word = `quillsworth${Array.from({ length: 8 }, () => String.fromCharCode(97 + Math.floor(Math.random() * 26))).join('')}`;
  const email = uniqueEmail('wanda');
  const docx = makeDocx(['Wanda Word', 'Senior typesetter', `Restored ${word} presses and trained apprentices`], { title: 'CV', author: 'Wanda Word' });
  const uploads: string[] = [];
  page.on('request', (request) => {
    if (isStoragePut(request)) uploads.push(request.headers()['content-type'] ?? '');
  });

  await page.goto('/');
  const input = page.getByLabel('Resume (PDF or Word)');
  await expect(input).toHaveAttribute('accept', bothAccepted);
  await expect(page.getByText('PDF or Word (.pdf or .docx), up to 10 MB.')).toBeVisible();
  await input.setInputFiles({ name: 'Wanda – CV.docx', mimeType: docxContentType, buffer: docx });
  await fillApplicant(page, { first: 'Wanda', last: 'Word', email });
  await expect(page.getByText('Uploaded, ready to send')).toBeVisible();
  // The autofill reads PDFs only: nothing is said to be read from a Word document.
  await expect(page.getByText('Reading your resume to fill in your details…')).toHaveCount(0);
  expect(uploads).toEqual([docxContentType]);
  await page.getByRole('button', { name: 'Submit application' }).click();
  await expect(page.getByRole('heading', { name: 'Thanks, Wanda Word!' })).toBeVisible();

  const href = await page.getByRole('link', { name: 'View your resume' }).getAttribute('href');
  const served = await page.request.get(href!);
  expect(served.status()).toBe(200);
  expect(served.headers()['content-type']).toBe(docxContentType);
  expect(Buffer.from(await served.body()).equals(docx)).toBe(true);

  await page.goto('/admin/login');
  await page.getByLabel('Password').fill('e2e-admin-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Applicants' })).toBeVisible();
  await page.getByLabel('Search names, emails and resumes').fill(word);
  await page.getByRole('button', { name: 'Search' }).click();
  const rows = page.getByTestId('applicant-row');
  // Found only once the analysis job has read the text.
  await expect(async () => {
    await page.reload();
    await expect(rows).toHaveCount(1, { timeout: 1000 });
  }).toPass({ timeout: 60_000 });
  const row = rows.first();
  await expect(row).toContainText('Wanda Word');
  await expect(row).toContainText('Wanda – CV.docx');
  await expect(row.getByTestId('excerpt').locator('mark')).toHaveText(word);
  await expect(row.getByRole('img', { name: 'Word document, no preview of Wanda – CV.docx' })).toBeVisible();
  await expect(row.getByText('Not analyzed')).toHaveCount(0);

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download CSV' }).click()]);
  const lines = (await readFile((await download.path())!, 'utf8')).replace(/^\uFEFF/, '').split('\r\n');
  expect(lines[0]).toBe('Name,Email,Submitted at (UTC),File name,Pages');
  expect(lines[1]).toMatch(new RegExp(`^Wanda Word,${email.replace(/[.+]/g, '\\$&')},[^,]+,Wanda – CV\\.docx,$`));
});

test('with RESUME_TYPES=pdf the page offers PDFs only, refuses a Word file before any request, and the presign refuses one with 422', async ({ page }) => {
  test.setTimeout(180_000);
  const port = 3153;
  const url = `http://127.0.0.1:${port}`;
  const server = spawn(process.execPath, ['scripts/e2e-server.mjs'], {
    env: { ...process.env, E2E_PORT: String(port), RESUME_TYPES: 'pdf' },
    stdio: 'ignore',
    detached: true,
  });
  try {
    await expect.poll(() => fetch(`${url}/`).then((response) => response.status, () => 0), { timeout: 150_000, intervals: [500] }).toBe(200);
    const apiCalls: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/api/')) apiCalls.push(request.url());
    });
    await page.goto(`${url}/`);
    const input = page.getByLabel('Resume (PDF)', { exact: true });
    await expect(input).toHaveAttribute('accept', 'application/pdf,.pdf');
    await expect(page.getByText('PDF only, up to 10 MB.')).toBeVisible();
    await expect(page.getByRole('button', { name: 'Choose a PDF' })).toBeVisible();
    await input.setInputFiles({ name: 'cv.docx', mimeType: docxContentType, buffer: makeDocx(['Not here']) });
    await expect(page.locator('#resume-error')).toHaveText('“cv.docx” is not a PDF. Please choose a .pdf file.');
    expect(apiCalls).toEqual([]);

    const presign = await page.request.post(`${url}/api/direct-uploads`, {
      data: { file: { filename: 'cv.docx', byte_size: 1000, checksum: 'VtVrTvbyW7L2DOsRBsh0UQ==', content_type: docxContentType } },
    });
    expect(presign.status()).toBe(422);
    expect((await presign.json()).error).toEqual({
      code: 'file_type_not_accepted',
      message: 'Word files (.docx) are not accepted here; send PDF (.pdf).',
      fields: { content_type: 'must be application/pdf' },
    });
  } finally {
    // The server and its next-server: the whole process group.
    if (server.pid) process.kill(-server.pid, 'SIGTERM');
    await new Promise((resolve) => (server.exitCode === null ? server.once('exit', resolve) : resolve(null)));
    rmSync(path.resolve('.data', `e2e-${port}`), { recursive: true, force: true });
  }
});
