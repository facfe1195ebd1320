import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { expect, test, type Page } from '@playwright/test';
import { makeTextPdf } from '../fixtures/pdf-documents';
import { uniqueEmail } from './helpers';

/** An application sent the way the tutorial's client sends it, from the browser. */
async function applyFromBrowser(page: Page, person: { first: string; last: string; email: string }, filename: string, pdf: Buffer) {
  await page.goto('/');
  const status = await page.evaluate(
    async ({ bytes, checksum, filename, person }) => {
      const file = new File([new Uint8Array(bytes)], filename, { type: 'application/pdf' });
      const presign = await (
        await fetch('/api/direct-uploads', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ file: { filename, byte_size: file.size, checksum, content_type: 'application/pdf' } }),
        })
      ).json();
      await fetch(presign.direct_upload.url, { method: 'PUT', headers: presign.direct_upload.headers, body: file });
      const created = await fetch('/api/users', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ email: person.email, first_name: person.first, last_name: person.last, pdf: presign.blob_signed_id }),
      });
      return created.status;
    },
    { bytes: [...pdf], checksum: createHash('md5').update(pdf).digest('base64'), filename, person },
  );
  expect(status).toBe(200);
}

test('a recruiter finds an applicant by a word inside the resume, with excerpt and preview, and downloads the CSV @storage', async ({ page }) => {
  // A word no other resume in this server's database contains.
  const word = `zorblax${Array.from({ length: 8 }, () => String.fromCharCode(97 + Math.floor(Math.random() * 26))).join('')}`;
  const email = uniqueEmail('searched');
  await applyFromBrowser(
    page,
    { first: 'Hedy', last: 'Searched', email },
    'hedy-cv.pdf',
    makeTextPdf([['Hedy Searched', 'Radio engineer'], [`Designed ${word} frequency hopping for torpedo guidance`]]),
  );
  await applyFromBrowser(
    page,
    { first: 'Other', last: 'Applicant', email: uniqueEmail('other') },
    'other-cv.pdf',
    makeTextPdf([['Other Applicant', 'Frequency hopping, without the special word']]),
  );

  await page.goto('/admin/login');
  await page.getByLabel('Password').fill('e2e-admin-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Applicants' })).toBeVisible();
  await page.getByLabel('Search names, emails and resumes').fill(word);
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page).toHaveURL(new RegExp(`/admin\\?q=${word}$`));

  // Analysis runs after the response (after()): a few seconds at most on a busy machine.
  const rows = page.getByTestId('applicant-row');
  await expect(async () => {
    await page.reload();
    await expect(rows).toHaveCount(1, { timeout: 1000 });
  }).toPass({ timeout: 60_000 });
  const row = rows.first();
  await expect(row).toContainText('Hedy Searched');
  await expect(row).toContainText('hedy-cv.pdf');
  await expect(row).toContainText('2 pages');
  await expect(row.getByTestId('excerpt')).toContainText(`Designed ${word} frequency hopping`);
  await expect(row.getByTestId('excerpt').locator('mark')).toHaveText(word);

  const preview = row.getByRole('img', { name: 'First page of hedy-cv.pdf' });
  await expect(preview).toBeVisible();
  // Loaded through the redirect to a fresh signed storage URL (and allowed by the page's CSP).
  await expect.poll(() => preview.evaluate((image: HTMLImageElement) => image.complete && image.naturalWidth)).toBe(300);

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download CSV' }).click()]);
  expect(download.suggestedFilename()).toMatch(/^applicants-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = (await readFile((await download.path())!, 'utf8')).replace(/^\uFEFF/, '');
  const lines = csv.split('\r\n');
  expect(lines[0]).toBe('Name,Email,Submitted at (UTC),File name,Pages');
  expect(lines[1]).toMatch(new RegExp(`^Hedy Searched,${email.replace(/[.+]/g, '\\$&')},\\d{4}-\\d{2}-\\d{2}T[\\d:.]+Z,hedy-cv\\.pdf,2$`));
  expect(lines.slice(2)).toEqual(['']);
});
