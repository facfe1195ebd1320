import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateBlobKey, variantKey } from '@/lib/storage/keys';
import type { StorageService } from '@/lib/storage/service';
import { makePdf } from '../fixtures/pdf';

/**
 * What every storage service must do, written once and run against each (as Rails' own
 * SharedServiceTests): the disk service in the integration projects, S3 against Ceph in
 * integration-s3. A new service passes this before the app may use it.
 */
export interface StorageContractSubject {
  /** The service under test, as the app has it configured. */
  service: () => StorageService;
  /**
   * Sends a request to a URL the service made, as a browser would: over the network to a bucket,
   * or to this app's route handler for the disk service's URLs.
   */
  send: (url: string, request: { method: 'GET' | 'PUT'; headers?: Record<string, string>; body?: Uint8Array }) => Promise<Response>;
}

const md5 = (bytes: Uint8Array | string) => createHash('md5').update(bytes).digest('base64');

export function describeStorageContract(title: string, subject: StorageContractSubject, options: { skip?: boolean } = {}) {
  const storage = () => subject.service();

  async function directUpload(bytes: Buffer, expiresIn = 300) {
    const key = generateBlobKey();
    const upload = await storage().createDirectUpload({ key, contentType: 'application/pdf', byteSize: bytes.length, checksum: md5(bytes), expiresIn });
    return { key, ...upload };
  }

  const put = (url: string, headers: Record<string, string>, body: Uint8Array) => subject.send(url, { method: 'PUT', headers, body });

  async function uploaded(bytes: Buffer) {
    const upload = await directUpload(bytes);
    const response = await put(upload.url, upload.headers, bytes);
    expect(response.status).toBe(200);
    return upload.key;
  }

  /** A refused PUT: a client error, and nothing stored at the key. */
  async function expectRefused(response: Response, key: string) {
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(await storage().exists(key)).toBe(false);
    expect(await storage().stat(key)).toBeNull();
  }

  describe.skipIf(options.skip ?? false)(`storage contract: ${title}`, () => {
    it('stores the bytes PUT to a direct-upload URL with exactly the returned headers (200, empty body)', async () => {
      const pdf = makePdf('Contract upload');
      const { key, url, headers } = await directUpload(pdf);
      expect(headers).toEqual({ 'Content-Type': 'application/pdf', 'Content-MD5': md5(pdf), 'If-None-Match': '*' });
      const response = await put(url, headers, pdf);
      expect(response.status).toBe(200);
      expect(await response.text()).toBe('');
      expect(await storage().stat(key)).toMatchObject({ byteSize: pdf.length, checksum: md5(pdf) });
      expect(Buffer.from(await storage().readRange(key, 0, pdf.length - 1)).equals(pdf)).toBe(true);
    });

    it('refuses a body whose MD5 is not the signed one, and stores nothing', async () => {
      const pdf = makePdf();
      const { key, url, headers } = await directUpload(pdf);
      const tampered = Buffer.from(pdf);
      tampered[30] = (tampered[30] ?? 0) ^ 1;
      await expectRefused(await put(url, headers, tampered), key);
    });

    it('refuses a longer body and a shorter one, and stores nothing', async () => {
      const pdf = makePdf();
      const { key, url, headers } = await directUpload(pdf);
      await expectRefused(await put(url, headers, Buffer.concat([pdf, Buffer.from(' ')])), key);
      await expectRefused(await put(url, headers, pdf.subarray(0, pdf.length - 1)), key);
    });

    it('refuses another Content-Type than the signed one, and stores nothing', async () => {
      const pdf = makePdf();
      const { key, url, headers } = await directUpload(pdf);
      await expectRefused(await put(url, { ...headers, 'Content-Type': 'text/html' }, pdf), key);
    });

    it('refuses a PUT once the URL has expired, and stores nothing', async () => {
      const pdf = makePdf();
      const { key, url, headers } = await directUpload(pdf, 1);
      await new Promise((resolve) => setTimeout(resolve, 2100));
      const response = await put(url, headers, pdf);
      expect(response.status).toBe(403);
      await expectRefused(response, key);
    });

    it('cannot overwrite the object once uploaded through its URL (412)', async () => {
      const pdf = makePdf('First');
      const { key, url, headers } = await directUpload(pdf);
      expect((await put(url, headers, pdf)).status).toBe(200);
      expect((await put(url, headers, pdf)).status).toBe(412);
      expect(await storage().stat(key)).toMatchObject({ byteSize: pdf.length, checksum: md5(pdf) });
    });

    it('serves the bytes at a download URL, with the type, RFC 5987 name and no caching', async () => {
      const pdf = makePdf('Download');
      const key = await uploaded(pdf);
      const filename = 'Résumé – 履歴書.pdf';
      const link = await storage().getDownloadUrl(key, { filename, contentType: 'application/pdf', disposition: 'inline', expiresIn: 60 });
      const response = await subject.send(link, { method: 'GET' });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/pdf');
      expect(response.headers.get('content-disposition')).toBe(`inline; filename="Resume _ ___.pdf"; filename*=UTF-8''${encodeURIComponent(filename)}`);
      expect(response.headers.get('cache-control')).toBe('private, no-store');
      expect(Buffer.from(await response.arrayBuffer()).equals(pdf)).toBe(true);
    });

    it('answers 404 at the download URL of an object deleted since', async () => {
      const key = await uploaded(makePdf());
      const link = await storage().getDownloadUrl(key, { filename: 'cv.pdf', contentType: 'application/pdf', disposition: 'attachment', expiresIn: 60 });
      await storage().delete(key);
      expect((await subject.send(link, { method: 'GET' })).status).toBe(404);
    });

    it('deletes an object, and deleting it again is no error', async () => {
      const key = await uploaded(makePdf());
      await storage().delete(key);
      expect(await storage().exists(key)).toBe(false);
      expect(await storage().stat(key)).toBeNull();
      await expect(storage().delete(key)).resolves.toBeUndefined();
    });

    it('deletes by prefix exactly the objects whose keys start with it, and refuses an empty prefix', async () => {
      const first = generateBlobKey();
      const sibling = `${first.slice(0, 20)}${generateBlobKey().slice(0, 8)}`;
      let other = generateBlobKey();
      while (other.startsWith(first.slice(0, 20))) other = generateBlobKey();
      const bytes = Buffer.from('%PDF-1.7 prefixed');
      const preview = Buffer.from('RIFF\x10\x00\x00\x00WEBPpreview');
      for (const key of [first, sibling, other]) await storage().upload(key, bytes, 'application/pdf');
      for (const key of [first, other]) await storage().upload(variantKey(key, 'preview'), preview, 'image/webp');

      await storage().deletePrefixed(first.slice(0, 20));
      expect(await storage().exists(first)).toBe(false);
      expect(await storage().exists(sibling)).toBe(false);
      expect(await storage().exists(other)).toBe(true);
      expect(await storage().exists(variantKey(first, 'preview'))).toBe(true);

      await storage().deletePrefixed(`variants/${first}/`);
      expect(await storage().exists(variantKey(first, 'preview'))).toBe(false);
      expect(await storage().exists(variantKey(other, 'preview'))).toBe(true);
      expect(await storage().exists(other)).toBe(true);

      await expect(storage().deletePrefixed('')).rejects.toThrow(/prefix/);
      await expect(storage().deletePrefixed(`variants/${generateBlobKey()}/`)).resolves.toBeUndefined();
      expect(await storage().exists(other)).toBe(true);
    });

    it('says whether an object exists, and stats it: size and MD5, or null', async () => {
      const key = generateBlobKey();
      expect(await storage().exists(key)).toBe(false);
      expect(await storage().stat(key)).toBeNull();
      const bytes = Buffer.from('%PDF-1.7 exists');
      await storage().upload(key, bytes, 'application/pdf');
      expect(await storage().exists(key)).toBe(true);
      expect(await storage().stat(key)).toMatchObject({ byteSize: bytes.length, checksum: md5(bytes) });
    });

    it('reads a range of bytes, both ends included, fewer past the end', async () => {
      const pdf = makePdf('Ranges');
      const key = await uploaded(pdf);
      expect(Buffer.from(await storage().readRange(key, 0, 4)).toString()).toBe('%PDF-');
      expect(Buffer.from(await storage().readRange(key, 10, 19)).equals(pdf.subarray(10, 20))).toBe(true);
      expect(Buffer.from(await storage().readRange(key, pdf.length - 3, pdf.length + 100)).equals(pdf.subarray(-3))).toBe(true);
    });

    it('uploads bytes the server made, replacing what was there, and serves them with their type', async () => {
      const key = variantKey(generateBlobKey(), 'preview');
      const first = Buffer.from('RIFF\x10\x00\x00\x00WEBPfirst');
      const second = Buffer.from('RIFF\x10\x00\x00\x00WEBPsecond-version');
      await storage().upload(key, first, 'image/webp');
      await storage().upload(key, second, 'image/webp');
      expect(await storage().stat(key)).toMatchObject({ byteSize: second.length, checksum: md5(second) });
      const link = await storage().getDownloadUrl(key, { filename: 'cv (page 1).webp', contentType: 'image/webp', disposition: 'inline', expiresIn: 60 });
      const download = await subject.send(link, { method: 'GET' });
      expect(download.headers.get('content-type')).toBe('image/webp');
      expect(Buffer.from(await download.arrayBuffer()).equals(second)).toBe(true);
    });

    it('answers ping when it can be used', async () => {
      await expect(storage().ping()).resolves.toBeUndefined();
    });
  });
}
