import { expect, test } from '@playwright/test';
import { makePdf } from '../fixtures/pdf';
import { fillApplicant, recordProgress, seenProgress, uniqueEmail } from './helpers';

test('an applicant uploads a real PDF, sees both progress phases and opens the same bytes @storage', async ({ page }) => {
  const pdf = makePdf('Ada Lovelace — Resume', 9 * 1024 * 1024);
  const uploads: string[] = [];
  page.on('request', (request) => {
    if (request.method() === 'PUT') uploads.push(request.url());
  });
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Apply in a minute' })).toBeVisible();
  await expect(page.getByText('PDF only, up to 10 MB.')).toBeVisible();
  await recordProgress(page);

  await fillApplicant(page, { first: 'Ada', last: 'Lovelace', email: uniqueEmail('ada') });
  await page.getByLabel('Resume (PDF)').setInputFiles({ name: 'Ada Lovelace – CV.pdf', mimeType: 'application/pdf', buffer: pdf });
  await expect(page.getByText('Ada Lovelace – CV.pdf')).toBeVisible();
  await page.getByRole('button', { name: 'Submit application' }).click();

  await expect(page.getByRole('heading', { name: 'Thanks, Ada Lovelace!' })).toBeVisible();
  const seen = await seenProgress(page);
  expect(seen.status).toEqual(
    expect.arrayContaining(['Checking your file…', 'Uploading your resume…', 'Saving your application…', 'Application received.']),
  );
  expect(seen.hash.some((value) => value > 0 && value < 100)).toBe(true);
  expect(seen.hash).toContain(100);
  expect(seen.upload).toContain(100);
  expect(uploads).toHaveLength(1);
  // With S3 the bytes go cross-origin, straight to the bucket: CORS is exercised for real.
  expect(new URL(uploads[0]!).origin).toBe(test.info().project.metadata.storageOrigin);

  const link = page.getByRole('link', { name: 'View your resume' });
  const href = await link.getAttribute('href');
  expect(href).toBeTruthy();
  const [popup] = await Promise.all([page.waitForEvent('popup'), link.click()]);
  expect(popup.url()).toBe(href);
  const response = await page.request.get(href!);
  expect(response.status()).toBe(200);
  expect(response.headers()['content-type']).toBe('application/pdf');
  expect(response.headers()['content-disposition']).toContain(`filename*=UTF-8''${encodeURIComponent('Ada Lovelace – CV.pdf')}`);
  expect(Buffer.from(await response.body()).equals(pdf)).toBe(true);
});

test('a file that is not a PDF is refused before any request', async ({ page }) => {
  const apiCalls: string[] = [];
  page.on('request', (request) => {
    if (request.url().includes('/api/')) apiCalls.push(request.url());
  });
  await page.goto('/');
  await fillApplicant(page, { first: 'Grace', last: 'Hopper', email: uniqueEmail('grace') });

  const fileInput = page.getByLabel('Resume (PDF)');
  await fileInput.setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
  await expect(page.locator('#resume-error')).toHaveText('“notes.txt” is not a PDF. Please choose a .pdf file.');

  await fileInput.setInputFiles({ name: 'page.pdf', mimeType: 'application/pdf', buffer: Buffer.from('<html></html>') });
  await expect(page.locator('#resume-error')).toHaveText('“page.pdf” is named .pdf but is not a PDF file. Please export your resume as PDF.');

  await page.getByRole('button', { name: 'Submit application' }).click();
  await expect(page.locator('#resume-error')).toBeVisible();
  await expect(page.getByLabel('First name')).toHaveValue('Grace');
  expect(apiCalls).toEqual([]);
});

test('a server-side rejection is shown next to its field, and fixing it does not upload again @storage', async ({ page }) => {
  const email = uniqueEmail('taken');
  const existing = await page.request.post('/api/users', { data: { email, first_name: 'First', last_name: 'Comer' } });
  expect(existing.status()).toBe(200);

  const presigns: string[] = [];
  page.on('request', (request) => {
    if (request.url().endsWith('/api/direct-uploads')) presigns.push(request.url());
  });
  await page.goto('/');
  await fillApplicant(page, { first: 'Second', last: 'Comer', email: email.toUpperCase() });
  await page.getByLabel('Resume (PDF)').setInputFiles({ name: 'cv.pdf', mimeType: 'application/pdf', buffer: makePdf('Second') });
  await page.getByRole('button', { name: 'Submit application' }).click();

  await expect(page.locator('#email-error')).toHaveText('This email address has already applied.');
  await expect(page.getByLabel('Email')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByLabel('First name')).toHaveValue('Second');
  await expect(page.getByText('cv.pdf')).toBeVisible();

  await page.getByLabel('Email').fill(uniqueEmail('second'));
  await page.getByRole('button', { name: 'Submit application' }).click();
  await expect(page.getByRole('heading', { name: 'Thanks, Second Comer!' })).toBeVisible();
  expect(presigns).toHaveLength(1);
});

test('required fields are checked in the page, with focus on the first problem', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('button', { name: 'Submit application' }).click();
  await expect(page.locator('#first_name-error')).toHaveText('First name is required');
  await expect(page.locator('#email-error')).toHaveText('Email is required');
  await expect(page.locator('#resume-error')).toHaveText('Please attach your resume as a PDF.');
  await expect(page.getByLabel('First name')).toBeFocused();
  await expect(page.getByTestId('status')).toHaveText('Some fields need your attention.');
});

test('a PDF dropped onto the file field is used', async ({ page }) => {
  const pdf = makePdf('Dropped');
  await page.goto('/');
  await fillApplicant(page, { first: 'Drop', last: 'Zone', email: uniqueEmail('drop') });
  const dataTransfer = await page.evaluateHandle((bytes) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([new Uint8Array(bytes)], 'dropped.pdf', { type: 'application/pdf' }));
    return transfer;
  }, [...pdf]);
  await page.getByTestId('dropzone').dispatchEvent('dragover', { dataTransfer });
  await page.getByTestId('dropzone').dispatchEvent('drop', { dataTransfer });
  await expect(page.getByText('dropped.pdf')).toBeVisible();
  await page.getByRole('button', { name: 'Submit application' }).click();
  await expect(page.getByRole('heading', { name: 'Thanks, Drop Zone!' })).toBeVisible();
});

test('a slow upload can be cancelled, and the form keeps what was typed @storage', async ({ page }) => {
  const pdf = makePdf('Slow', 4 * 1024 * 1024);
  await page.goto('/');
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: 256 * 1024 });
  await recordProgress(page);

  await fillApplicant(page, { first: 'Slow', last: 'Link', email: uniqueEmail('slow') });
  await page.getByLabel('Resume (PDF)').setInputFiles({ name: 'slow.pdf', mimeType: 'application/pdf', buffer: pdf });
  await page.getByRole('button', { name: 'Submit application' }).click();
  await expect(page.getByTestId('status')).toHaveText('Uploading your resume…');
  await expect.poll(async () => (await seenProgress(page)).upload.some((value) => value > 0 && value < 100)).toBe(true);
  await page.getByRole('button', { name: 'Cancel' }).click();

  await expect(page.getByTestId('status')).toHaveText('Upload cancelled. Your details are still here.');
  await expect(page.getByLabel('Last name')).toHaveValue('Link');
  await expect(page.getByRole('button', { name: 'Submit application' })).toBeEnabled();
});

test('an upload whose connection drops is retried, and the page says so @storage', async ({ page }) => {
  const pdf = makePdf('Flaky network', 2 * 1024 * 1024);
  let puts = 0;
  await page.route(
    (url) => url.pathname.includes('/api/storage/disk/') || url.port === '7480',
    async (route) => {
      if (route.request().method() !== 'PUT') return route.continue();
      puts += 1;
      if (puts === 1) return route.abort('connectionreset');
      return route.continue();
    },
  );
  await page.goto('/');
  await recordProgress(page);
  await fillApplicant(page, { first: 'Flaky', last: 'Network', email: uniqueEmail('flaky') });
  await page.getByLabel('Resume (PDF)').setInputFiles({ name: 'flaky.pdf', mimeType: 'application/pdf', buffer: pdf });
  await page.getByRole('button', { name: 'Submit application' }).click();
  await expect(page.getByRole('heading', { name: 'Thanks, Flaky Network!' })).toBeVisible();
  expect(puts).toBe(2);
  expect((await seenProgress(page)).status).toContain('The connection dropped. Retrying the upload (attempt 2 of 3)…');

  const href = await page.getByRole('link', { name: 'View your resume' }).getAttribute('href');
  const response = await page.request.get(href!);
  expect(Buffer.from(await response.body()).equals(pdf)).toBe(true);
});
