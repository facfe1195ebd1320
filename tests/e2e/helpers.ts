import { createHash } from 'node:crypto';
import type { APIRequestContext, APIResponse, CDPSession, Page, Request } from '@playwright/test';

export function uniqueEmail(label: string): string {
  return `${label}.${Date.now()}.${Math.random().toString(36).slice(2, 8)}@example.com`;
}

export interface Seen {
  /** The form's live region (submission). */
  status: string[];
  /** The file field's polite live region (the upload). */
  upload: string[];
  /** The upload's states, from the drop zone's data-state. */
  states: string[];
  /** Progress values shown, by state (checking, uploading). */
  progress: Record<string, number[]>;
  /** The Submit button's labels. */
  submit: string[];
}

/** Records every status message, upload state and progress value the page shows, so fast phases are not missed. */
export async function recordProgress(page: Page): Promise<void> {
  await page.evaluate(() => {
    const seen: Seen = { status: [], upload: [], states: [], progress: {}, submit: [] };
    (window as unknown as { __seen: Seen }).__seen = seen;
    const push = (list: string[], value: string | null | undefined) => {
      if (value && list.at(-1) !== value) list.push(value);
    };
    const sample = () => {
      push(seen.status, document.querySelector('[data-testid=status]')?.textContent);
      push(seen.upload, document.querySelector('[data-testid=upload-status]')?.textContent);
      const state = document.querySelector<HTMLElement>('[data-testid=dropzone]')?.dataset.state;
      push(seen.states, state);
      push(seen.submit, document.querySelector('button[type=submit]')?.textContent);
      const value = document.querySelector<HTMLProgressElement>('#resume-progress')?.value;
      if (state && value !== undefined) {
        const list = (seen.progress[state] ??= []);
        if (list.at(-1) !== value) list.push(value);
      }
    };
    sample();
    new MutationObserver(sample).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
  });
}

export async function seenProgress(page: Page): Promise<Seen> {
  return page.evaluate(() => (window as unknown as { __seen: Seen }).__seen);
}

export async function fillApplicant(page: Page, person: { first: string; last: string; email: string }) {
  await page.getByLabel('First name').fill(person.first);
  await page.getByLabel('Last name').fill(person.last);
  await page.getByLabel('Email').fill(person.email);
}

/** Slows the page's uploads to `bytesPerSecond`, so that a test can act while one runs. */
export async function throttleUploads(page: Page, bytesPerSecond: number): Promise<CDPSession> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: bytesPerSecond });
  return cdp;
}

/** PUTs to storage: the disk service's route on the app, or the S3 gateway. */
export function isStoragePut(request: Request): boolean {
  const url = new URL(request.url());
  return request.method() === 'PUT' && (url.pathname.includes('/api/storage/disk/') || url.port === '7480');
}

export function isStorageUrl(url: URL): boolean {
  return url.pathname.includes('/api/storage/disk/') || url.port === '7480';
}

/** The requests the page makes to the API and to storage, as "METHOD path", from now on. */
export function recordRequests(page: Page): string[] {
  const requests: string[] = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.pathname.startsWith('/api/') || isStoragePut(request)) requests.push(`${request.method()} ${isStoragePut(request) ? 'storage' : url.pathname}`);
  });
  return requests;
}

/**
 * Applies through the JSON API as the tutorial's client does (presign, PUT to the returned URL,
 * POST /api/users with the signed id): the resume is required. Returns the response to the POST.
 */
export async function applyByApi(request: APIRequestContext, person: { first_name: string; last_name: string; email: string }, pdf: Buffer): Promise<APIResponse> {
  const checksum = createHash('md5').update(pdf).digest('base64');
  const presign = await request.post('/api/direct-uploads', {
    data: { file: { filename: 'resume.pdf', byte_size: pdf.length, checksum, content_type: 'application/pdf', metadata: {} } },
  });
  if (presign.status() !== 200) throw new Error(`presign answered ${presign.status()}: ${await presign.text()}`);
  const { direct_upload: upload, blob_signed_id: pdfId } = (await presign.json()) as { direct_upload: { url: string; headers: Record<string, string> }; blob_signed_id: string };
  const put = await request.put(upload.url, { headers: upload.headers, data: pdf });
  if (put.status() !== 200) throw new Error(`the upload answered ${put.status()}`);
  return request.post('/api/users', { data: { ...person, pdf: pdfId } });
}
