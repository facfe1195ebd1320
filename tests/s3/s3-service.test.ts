import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { getStorage } from '@/lib/storage';
import { generateBlobKey } from '@/lib/storage/keys';
import { makePdf } from '../fixtures/pdf';
import { s3Skipped } from '../support/s3';

const md5 = (bytes: Buffer | string) => createHash('md5').update(bytes).digest();
const storage = () => getStorage();

async function signedUpload(bytes: Buffer, expiresIn = 300) {
  const key = generateBlobKey();
  const upload = await storage().createDirectUpload({
    key,
    contentType: 'application/pdf',
    byteSize: bytes.length,
    checksum: md5(bytes).toString('base64'),
    expiresIn,
  });
  return { key, ...upload };
}

function put(url: string, headers: Record<string, string>, body: Buffer) {
  return fetch(url, { method: 'PUT', headers, body: new Uint8Array(body) });
}

async function errorCode(response: Response) {
  return /<Code>([^<]+)<\/Code>/.exec(await response.text())?.[1];
}

// What every service must do is the storage contract (s3-storage-contract.test.ts); here, what S3
// itself answers: its error codes, and the ETag it reports.
describe.skipIf(s3Skipped())('S3 service against a real S3 server (Ceph RGW)', () => {
  it('stores the right bytes sent with exactly the returned headers', async () => {
    const pdf = makePdf('S3 upload');
    const { key, url, headers } = await signedUpload(pdf);
    const response = await put(url, headers, pdf);
    expect(response.status).toBe(200);

    const stat = await storage().stat(key);
    expect(stat).toEqual({
      byteSize: pdf.length,
      etag: `"${md5(pdf).toString('hex')}"`,
      checksum: md5(pdf).toString('base64'),
    });
    expect(Buffer.from(await storage().readRange(key, 0, 4)).toString()).toBe('%PDF-');
    expect(Buffer.from(await storage().readRange(key, 0, 1023)).equals(pdf.subarray(0, 1024))).toBe(true);
  });

  it('is refused by S3 when one byte of the body changes (400 BadDigest), and nothing is stored', async () => {
    const pdf = makePdf();
    const { key, url, headers } = await signedUpload(pdf);
    const tampered = Buffer.from(pdf);
    tampered[30] = (tampered[30] ?? 0) ^ 1;
    const response = await put(url, headers, tampered);
    expect(response.status).toBe(400);
    expect(await errorCode(response)).toBe('BadDigest');
    expect(await storage().stat(key)).toBeNull();
  });

  it.each([
    ['another Content-MD5 header', (h: Record<string, string>) => ({ ...h, 'Content-MD5': md5('x').toString('base64') })],
    ['another Content-Type', (h: Record<string, string>) => ({ ...h, 'Content-Type': 'text/html' })],
  ])('is refused by S3 with %s (403)', async (_case, change) => {
    const pdf = makePdf();
    const { key, url, headers } = await signedUpload(pdf);
    const response = await put(url, change(headers), pdf);
    expect(response.status).toBe(403);
    expect(await errorCode(response)).toBe('SignatureDoesNotMatch');
    expect(await storage().stat(key)).toBeNull();
  });

  it('is refused by S3 for a longer body (403: Content-Length is signed)', async () => {
    const pdf = makePdf();
    const { key, url, headers } = await signedUpload(pdf);
    const response = await put(url, headers, Buffer.concat([pdf, Buffer.from(' ')]));
    expect(response.status).toBe(403);
    expect(await storage().stat(key)).toBeNull();
  });

  it('is refused by S3 with a bad signature (403)', async () => {
    const pdf = makePdf();
    const { key, url, headers } = await signedUpload(pdf);
    const forged = new URL(url);
    const signature = forged.searchParams.get('X-Amz-Signature') ?? '';
    forged.searchParams.set('X-Amz-Signature', `${signature.slice(0, -1)}${signature.endsWith('0') ? '1' : '0'}`);
    const response = await put(forged.toString(), headers, pdf);
    expect(response.status).toBe(403);
    expect(await errorCode(response)).toBe('SignatureDoesNotMatch');
    expect(await storage().stat(key)).toBeNull();
  });

  it('is refused by S3 once the URL has expired (403)', async () => {
    const pdf = makePdf();
    const { key, url, headers } = await signedUpload(pdf, 1);
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const response = await put(url, headers, pdf);
    expect(response.status).toBe(403);
    expect(await errorCode(response)).toBe('AccessDenied');
    expect(await storage().stat(key)).toBeNull();
  });
});
