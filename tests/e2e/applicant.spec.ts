import { expect, test } from '@playwright/test';
import { formatBytes } from '../../lib/format-bytes';
import { makePdf } from '../fixtures/pdf';
import { applyByApi, fillApplicant, isStoragePut, isStorageUrl, recordProgress, recordRequests, seenProgress, throttleUploads, uniqueEmail } from './helpers';

test('the upload starts when the file is chosen; Submit is then one request, and the same bytes come back @storage', async ({ page }) => {
  const pdf = makePdf('Ada Lovelace — Resume', 9 * 1024 * 1024);
  const uploads: string[] = [];
  page.on('request', (request) => {
    if (isStoragePut(request)) uploads.push(request.url());
  });
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Apply in a minute' })).toBeVisible();
  await expect(page.getByText('PDF or Word (.pdf or .docx), up to 10 MB.')).toBeVisible();
  await recordProgress(page);

  await page.getByLabel('Resume (PDF or Word)').setInputFiles({ name: 'Ada Lovelace – CV.pdf', mimeType: 'application/pdf', buffer: pdf });
  await expect(page.getByTestId('dropzone').getByText('Ada Lovelace – CV.pdf')).toBeVisible();
  // While the person types, the file goes to storage.
  await fillApplicant(page, { first: 'Ada', last: 'Lovelace', email: uniqueEmail('ada') });
  await expect(page.getByText('Uploaded, ready to send')).toBeVisible();
  await expect(page.getByTestId('dropzone').getByText(formatBytes(pdf.length), { exact: true })).toBeVisible();
  expect(uploads).toHaveLength(1);

  const afterSubmit = recordRequests(page);
  await page.getByRole('button', { name: 'Submit application' }).click();
  await expect(page.getByRole('heading', { name: 'Thanks, Ada Lovelace!' })).toBeVisible();
  expect(afterSubmit).toEqual(['POST /api/users']);

  const seen = await seenProgress(page);
  expect(seen.states).toEqual(['idle', 'checking', 'uploading', 'ready']);
  expect(seen.upload).toEqual(expect.arrayContaining(['Checking your file…', 'Uploading your resume…', 'Your resume Ada Lovelace – CV.pdf is uploaded.']));
  // Polite announcements come in steps, not for every percent.
  expect(seen.upload.length).toBeLessThanOrEqual(6);
  expect(seen.status).toEqual(['Saving your application…', 'Application received.']);
  expect(seen.progress.checking?.some((value) => value > 0 && value < 100)).toBe(true);
  expect(seen.progress.uploading).toContain(100);
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

test('Submit during the upload waits for what is left, then sends at once @storage', async ({ page }) => {
  const pdf = makePdf('Waiting', 3 * 1024 * 1024);
  await page.goto('/');
  await throttleUploads(page, 512 * 1024);
  await recordProgress(page);
  const timeline: { event: string; at: number }[] = [];
  page.on('response', (response) => {
    if (isStoragePut(response.request())) timeline.push({ event: 'put done', at: Date.now() });
  });
  page.on('request', (request) => {
    if (new URL(request.url()).pathname === '/api/users') timeline.push({ event: 'users', at: Date.now() });
  });

  await fillApplicant(page, { first: 'Wait', last: 'Forit', email: uniqueEmail('wait') });
  await page.getByLabel('Resume (PDF or Word)').setInputFiles({ name: 'waiting.pdf', mimeType: 'application/pdf', buffer: pdf });
  await expect.poll(async () => (await seenProgress(page)).progress.uploading?.some((value) => value > 0 && value < 80)).toBe(true);
  await page.getByRole('button', { name: 'Submit application' }).click();
  await expect(page.getByRole('button', { name: /^Finishing upload… \d+%$/ })).toBeDisabled();
  await expect(page.getByTestId('status')).toHaveText('Your application will be sent as soon as the upload finishes.');
  await expect(page.getByLabel('First name')).toBeDisabled();

  await expect(page.getByRole('heading', { name: 'Thanks, Wait Forit!' })).toBeVisible({ timeout: 30_000 });
  expect(timeline.map((entry) => entry.event)).toEqual(['put done', 'users']);
  expect((await seenProgress(page)).submit.filter((label) => label.startsWith('Finishing upload')).length).toBeGreaterThan(1);
  const href = await page.getByRole('link', { name: 'View your resume' }).getAttribute('href');
  expect(Buffer.from(await (await page.request.get(href!)).body()).equals(pdf)).toBe(true);
});

test('choosing another file mid-upload cancels the first; only the second is attached @storage', async ({ page }) => {
  const first = makePdf('First choice', 4 * 1024 * 1024);
  const second = makePdf('Second choice, the right one');
  const failedPuts: string[] = [];
  page.on('requestfailed', (request) => {
    if (isStoragePut(request)) failedPuts.push(request.url());
  });
  const tokens: string[] = [];
  page.on('response', async (response) => {
    if (new URL(response.url()).pathname === '/api/direct-uploads') tokens.push((await response.json()).blob_signed_id);
  });
  let sentToken: string | undefined;
  page.on('request', (request) => {
    if (new URL(request.url()).pathname === '/api/users') sentToken = request.postDataJSON().pdf;
  });
  // The first file's blob is deleted by the form, so that it stops counting against the ceilings.
  const deleted: { token: string; status: number }[] = [];
  page.on('response', (response) => {
    const { pathname } = new URL(response.url());
    if (response.request().method() === 'DELETE' && pathname.startsWith('/api/direct-uploads/')) {
      deleted.push({ token: decodeURIComponent(pathname.slice('/api/direct-uploads/'.length)), status: response.status() });
    }
  });
  await page.goto('/');
  const cdp = await throttleUploads(page, 256 * 1024);
  await recordProgress(page);
  await fillApplicant(page, { first: 'Change', last: 'Mind', email: uniqueEmail('change') });

  await page.getByLabel('Resume (PDF or Word)').setInputFiles({ name: 'first.pdf', mimeType: 'application/pdf', buffer: first });
  await expect.poll(async () => (await seenProgress(page)).progress.uploading?.some((value) => value > 0 && value < 100)).toBe(true);
  await page.getByLabel('Resume (PDF or Word)').setInputFiles({ name: 'second.pdf', mimeType: 'application/pdf', buffer: second });
  await expect.poll(() => failedPuts.length).toBe(1);
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  await expect(page.getByText('Uploaded, ready to send')).toBeVisible();
  await expect(page.getByText('first.pdf')).toHaveCount(0);

  await page.getByRole('button', { name: 'Submit application' }).click();
  await expect(page.getByRole('heading', { name: 'Thanks, Change Mind!' })).toBeVisible();
  await expect(page.getByText('second.pdf')).toBeVisible();
  expect(tokens).toHaveLength(2);
  expect(sentToken).toBe(tokens[1]);
  await expect.poll(() => deleted).toEqual([{ token: tokens[0], status: 204 }]);
  const href = await page.getByRole('link', { name: 'View your resume' }).getAttribute('href');
  expect(Buffer.from(await (await page.request.get(href!)).body()).equals(second)).toBe(true);
});

test('removing the file cancels its upload at once, and keeps what was typed @storage', async ({ page }) => {
  const pdf = makePdf('Removed', 4 * 1024 * 1024);
  const failedPuts: string[] = [];
  page.on('requestfailed', (request) => {
    if (isStoragePut(request)) failedPuts.push(request.url());
  });
  await page.goto('/');
  await throttleUploads(page, 256 * 1024);
  await recordProgress(page);
  await fillApplicant(page, { first: 'Slow', last: 'Link', email: uniqueEmail('slow') });
  await page.getByLabel('Resume (PDF or Word)').setInputFiles({ name: 'slow.pdf', mimeType: 'application/pdf', buffer: pdf });
  await expect(page.getByTestId('upload-status')).toHaveText('Uploading your resume…');
  await expect.poll(async () => (await seenProgress(page)).progress.uploading?.some((value) => value > 0 && value < 100)).toBe(true);

  await page.getByRole('button', { name: 'Remove slow.pdf' }).click();
  await expect.poll(() => failedPuts.length).toBe(1);
  await expect(page.getByTestId('upload-status')).toHaveText('File removed; its upload was cancelled.');
  await expect(page.getByTestId('dropzone')).toHaveAttribute('data-state', 'idle');
  await expect(page.getByText('slow.pdf')).toHaveCount(0);
  await expect(page.getByLabel('Last name')).toHaveValue('Link');
  await page.getByRole('button', { name: 'Submit application' }).click();
  await expect(page.locator('#resume-error')).toHaveText('Please attach your resume (PDF or Word).');
});

test('an upload that loses the network waits for it and resumes @storage', async ({ page, context }) => {
  const pdf = makePdf('Offline', 3 * 1024 * 1024);
  await page.goto('/');
  await throttleUploads(page, 256 * 1024);
  await recordProgress(page);
  await fillApplicant(page, { first: 'Off', last: 'Line', email: uniqueEmail('offline') });
  await page.getByLabel('Resume (PDF or Word)').setInputFiles({ name: 'offline.pdf', mimeType: 'application/pdf', buffer: pdf });
  await expect.poll(async () => (await seenProgress(page)).progress.uploading?.some((value) => value > 0 && value < 100)).toBe(true);

  await context.setOffline(true);
  await expect(page.getByTestId('dropzone').getByText('You are offline. The upload will continue when you are back online.')).toBeVisible();
  await expect(page.getByTestId('dropzone')).toHaveAttribute('data-state', 'offline');
  await page.waitForTimeout(1500);
  await expect(page.getByTestId('dropzone')).toHaveAttribute('data-state', 'offline');
  await context.setOffline(false);
  await expect(page.getByText('Uploaded, ready to send')).toBeVisible({ timeout: 30_000 });

  await page.getByRole('button', { name: 'Submit application' }).click();
  await expect(page.getByRole('heading', { name: 'Thanks, Off Line!' })).toBeVisible();
  expect((await seenProgress(page)).states).toEqual(expect.arrayContaining(['uploading', 'offline', 'ready']));
  const href = await page.getByRole('link', { name: 'View your resume' }).getAttribute('href');
  expect(Buffer.from(await (await page.request.get(href!)).body()).equals(pdf)).toBe(true);
});

test('an upload that keeps failing shows "Try again", and trying again works @storage', async ({ page }) => {
  const pdf = makePdf('Try again');
  let failing = true;
  let puts = 0;
  await page.route(isStorageUrl, async (route) => {
    if (route.request().method() !== 'PUT') return route.continue();
    puts += 1;
    return failing ? route.abort('connectionreset') : route.continue();
  });
  await page.goto('/');
  await fillApplicant(page, { first: 'Try', last: 'Again', email: uniqueEmail('again') });
  await page.getByLabel('Resume (PDF or Word)').setInputFiles({ name: 'again.pdf', mimeType: 'application/pdf', buffer: pdf });
  await expect(page.getByText('Upload failed: The connection to the file storage was lost.')).toBeVisible();
  expect(puts).toBe(3);
  await expect(page.getByLabel('Email')).not.toHaveValue('');

  failing = false;
  await page.getByRole('button', { name: 'Try again' }).click();
  await expect(page.getByText('Uploaded, ready to send')).toBeVisible();
  await page.getByRole('button', { name: 'Submit application' }).click();
  await expect(page.getByRole('heading', { name: 'Thanks, Try Again!' })).toBeVisible();
  expect(puts).toBe(4);
});

test('a blob token that expired before Submit is replaced by a fresh upload of the same file @storage', async ({ page }) => {
  const pdf = makePdf('Expired token');
  let users = 0;
  await page.route('**/api/users', async (route) => {
    users += 1;
    if (users > 1) return route.continue();
    return route.fulfill({
      status: 422,
      contentType: 'application/json',
      body: JSON.stringify({ error: { code: 'blob_token_expired', message: 'The upload link has expired. Please upload the file again.' } }),
    });
  });
  const requests = recordRequests(page);
  await page.goto('/');
  await fillApplicant(page, { first: 'Late', last: 'Comer', email: uniqueEmail('late') });
  await page.getByLabel('Resume (PDF or Word)').setInputFiles({ name: 'late.pdf', mimeType: 'application/pdf', buffer: pdf });
  await expect(page.getByText('Uploaded, ready to send')).toBeVisible();
  await page.getByRole('button', { name: 'Submit application' }).click();
  await expect(page.getByRole('heading', { name: 'Thanks, Late Comer!' })).toBeVisible();
  expect(requests).toEqual([
    'POST /api/direct-uploads',
    'PUT storage',
    'POST /api/users',
    'POST /api/direct-uploads',
    'PUT storage',
    'POST /api/users',
  ]);
  const href = await page.getByRole('link', { name: 'View your resume' }).getAttribute('href');
  expect(Buffer.from(await (await page.request.get(href!)).body()).equals(pdf)).toBe(true);
});

test('a file that is not a PDF is refused before any request', async ({ page }) => {
  const apiCalls: string[] = [];
  page.on('request', (request) => {
    if (request.url().includes('/api/')) apiCalls.push(request.url());
  });
  await page.goto('/');
  await fillApplicant(page, { first: 'Grace', last: 'Hopper', email: uniqueEmail('grace') });

  const fileInput = page.getByLabel('Resume (PDF or Word)');
  await fileInput.setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
  await expect(page.locator('#resume-error')).toHaveText('“notes.txt” is not a PDF or Word file. Please choose a .pdf or .docx file.');

  await fileInput.setInputFiles({ name: 'page.pdf', mimeType: 'application/pdf', buffer: Buffer.from('<html></html>') });
  await expect(page.locator('#resume-error')).toHaveText('“page.pdf” is named .pdf but is not a PDF. Please export your resume again.');

  await page.getByRole('button', { name: 'Submit application' }).click();
  await expect(page.locator('#resume-error')).toBeVisible();
  await expect(page.getByLabel('First name')).toHaveValue('Grace');
  expect(apiCalls).toEqual([]);
});

test('a server-side rejection is shown next to its field, and fixing it does not upload again @storage', async ({ page }) => {
  const email = uniqueEmail('taken');
  const existing = await applyByApi(page.request, { email, first_name: 'First', last_name: 'Comer' }, makePdf('First comer'));
  expect(existing.status()).toBe(200);

  const presigns: string[] = [];
  page.on('request', (request) => {
    if (request.url().endsWith('/api/direct-uploads')) presigns.push(request.url());
  });
  await page.goto('/');
  await fillApplicant(page, { first: 'Second', last: 'Comer', email: email.toUpperCase() });
  await page.getByLabel('Resume (PDF or Word)').setInputFiles({ name: 'cv.pdf', mimeType: 'application/pdf', buffer: makePdf('Second') });
  await page.getByRole('button', { name: 'Submit application' }).click();

  await expect(page.locator('#email-error')).toHaveText('This email address has already applied.');
  await expect(page.getByLabel('Email')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByLabel('First name')).toHaveValue('Second');
  await expect(page.getByTestId('dropzone').getByText('cv.pdf')).toBeVisible();

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
  await expect(page.locator('#resume-error')).toHaveText('Please attach your resume (PDF or Word).');
  // The resume comes first on the page now.
  await expect(page.getByLabel('Resume (PDF or Word)')).toBeFocused();
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
  await expect(page.getByTestId('dropzone').getByText('dropped.pdf')).toBeVisible();
  await expect(page.getByText('Uploaded, ready to send')).toBeVisible();
  await page.getByRole('button', { name: 'Submit application' }).click();
  await expect(page.getByRole('heading', { name: 'Thanks, Drop Zone!' })).toBeVisible();
});

test('an upload whose connection drops is retried, and the page says so @storage', async ({ page }) => {
  const pdf = makePdf('Flaky network', 2 * 1024 * 1024);
  let puts = 0;
  await page.route(isStorageUrl, async (route) => {
    if (route.request().method() !== 'PUT') return route.continue();
    puts += 1;
    if (puts === 1) return route.abort('connectionreset');
    return route.continue();
  });
  await page.goto('/');
  await recordProgress(page);
  await fillApplicant(page, { first: 'Flaky', last: 'Network', email: uniqueEmail('flaky') });
  await page.getByLabel('Resume (PDF or Word)').setInputFiles({ name: 'flaky.pdf', mimeType: 'application/pdf', buffer: pdf });
  await page.getByRole('button', { name: 'Submit application' }).click();
  await expect(page.getByRole('heading', { name: 'Thanks, Flaky Network!' })).toBeVisible();
  expect(puts).toBe(2);
  expect((await seenProgress(page)).upload).toContain('The connection dropped. Retrying the upload (attempt 2 of 3)…');

  const href = await page.getByRole('link', { name: 'View your resume' }).getAttribute('href');
  const response = await page.request.get(href!);
  expect(Buffer.from(await response.body()).equals(pdf)).toBe(true);
});
