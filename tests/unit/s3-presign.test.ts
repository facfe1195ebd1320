import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseEnv, resetEnv } from '@/lib/env';
import { getStorage } from '@/lib/storage';
import { storageOrigin } from '@/lib/security-headers';
import { bucketUrl, signedUploadHeaders, type BucketLocation } from '@/lib/storage/bucket-url';
import { buildContentDisposition } from '@/lib/storage/content-disposition';
import { createS3Client, S3StorageService } from '@/lib/storage/s3';

const client = createS3Client({
  bucket: 'resumes',
  region: 'eu-west-1',
  accessKeyId: 'AKIAEXAMPLE',
  secretAccessKey: 'secret/example+key',
});
const s3 = new S3StorageService(client, 'resumes');
const pathStyle = new S3StorageService(
  createS3Client({ bucket: 'resumes', endpoint: 'http://127.0.0.1:7480', forcePathStyle: true, accessKeyId: 'a', secretAccessKey: 'b' }),
  'resumes',
);
const checksum = 'ab+/cdefghijklmnopqrsA==';

async function upload(service = s3) {
  return service.createDirectUpload({ key: 'k3y0000000000000000000000000', contentType: 'application/pdf', byteSize: 1234, checksum, expiresIn: 300 });
}

describe('S3 presigned PUT', () => {
  it('signs Content-Type, Content-MD5, Content-Length and If-None-Match', async () => {
    const url = new URL((await upload()).url);
    expect(url.searchParams.get('X-Amz-SignedHeaders')).toBe('content-length;content-md5;content-type;host;if-none-match');
  });

  it('carries no x-amz-checksum-* parameter (the SDK default would sign a CRC32 of an empty body)', async () => {
    const url = new URL((await upload()).url);
    const names = [...url.searchParams.keys()].map((name) => name.toLowerCase());
    expect(names.filter((name) => name.startsWith('x-amz-checksum') || name === 'x-amz-sdk-checksum-algorithm')).toEqual([]);
  });

  it('honours the expiry', async () => {
    const url = new URL((await upload()).url);
    expect(url.searchParams.get('X-Amz-Expires')).toBe('300');
    expect(url.searchParams.get('X-Amz-Algorithm')).toBe('AWS4-HMAC-SHA256');
  });

  it('returns exactly the headers the browser must send, Content-Length excepted', async () => {
    expect((await upload()).headers).toEqual({ 'Content-Type': 'application/pdf', 'Content-MD5': checksum, 'If-None-Match': '*' });
  });

  it('addresses the bucket virtual-host style on AWS and path style on S3-compatible endpoints', async () => {
    expect(new URL((await upload()).url).host).toBe('resumes.s3.eu-west-1.amazonaws.com');
    const url = new URL((await upload(pathStyle)).url);
    expect(`${url.host}${url.pathname}`).toBe('127.0.0.1:7480/resumes/k3y0000000000000000000000000');
  });
});

describe('S3 presigned GET', () => {
  it('asks S3 to serve the PDF inline with the original name (RFC 5987) and no caching', async () => {
    const url = new URL(
      await s3.getDownloadUrl('k3y0000000000000000000000000', {
        filename: 'Résumé – 履歴書.pdf',
        contentType: 'application/pdf',
        disposition: 'inline',
        expiresIn: 120,
      }),
    );
    expect(url.searchParams.get('response-content-type')).toBe('application/pdf');
    expect(url.searchParams.get('response-content-disposition')).toBe(
      `inline; filename="Resume _ ___.pdf"; filename*=UTF-8''R%C3%A9sum%C3%A9%20%E2%80%93%20%E5%B1%A5%E6%AD%B4%E6%9B%B8.pdf`,
    );
    expect(url.searchParams.get('response-cache-control')).toBe('private, no-store');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('120');
  });
});

describe('the bucket URL', () => {
  it.each<[string, BucketLocation]>([
    ['AWS', { bucket: 'resumes', region: 'eu-west-1' }],
    ['a path-style endpoint', { bucket: 'resumes', endpoint: 'http://127.0.0.1:7480', forcePathStyle: true }],
    ['a virtual-hosted endpoint', { bucket: 'resumes', endpoint: 'https://acct.r2.cloudflarestorage.com', region: 'auto' }],
  ])('is where the presigned PUT goes, for %s', async (_case, location) => {
    const service = new S3StorageService(createS3Client({ ...location, accessKeyId: 'a', secretAccessKey: 'b' }), location.bucket);
    const presigned = new URL((await upload(service)).url);
    const base = bucketUrl(location);
    expect(presigned.href.startsWith(`${base}/`)).toBe(true);
    const env = parseEnv({ S3_BUCKET: location.bucket, AWS_REGION: location.region, S3_ENDPOINT: location.endpoint, S3_FORCE_PATH_STYLE: location.forcePathStyle ? 'true' : undefined });
    expect(storageOrigin(env)).toBe(presigned.origin);
  });
});

describe('presigned URLs are those of the SDK\'s getSignedUrl, without its per-call set-up', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it.each<[string, BucketLocation]>([
    ['AWS', { bucket: 'resumes', region: 'eu-west-1' }],
    ['AWS, a bucket name with dots', { bucket: 'acme.resumes', region: 'us-west-2' }],
    ['a path-style endpoint with a port', { bucket: 'resumes', endpoint: 'http://127.0.0.1:7480', forcePathStyle: true }],
    ['a path-style endpoint under a path', { bucket: 'resumes', endpoint: 'https://storage.example/s3', forcePathStyle: true, region: 'auto' }],
    ['a virtual-hosted endpoint', { bucket: 'resumes', endpoint: 'https://acct.r2.cloudflarestorage.com', region: 'auto' }],
  ])('for %s: the upload PUT and the download GET, byte for byte', async (_case, location) => {
    const client = createS3Client({ ...location, accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'secret/example+key' });
    const service = new S3StorageService(client, location.bucket);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-26T12:34:56Z'));
    const key = 'k3y0000000000000000000000000';

    const ours = await service.createDirectUpload({ key, contentType: 'application/pdf', byteSize: 1234, checksum, expiresIn: 300 });
    const put = new PutObjectCommand({ Bucket: location.bucket, Key: key, ContentType: 'application/pdf', ContentMD5: checksum, ContentLength: 1234, IfNoneMatch: '*' });
    expect(ours.url).toBe(await getSignedUrl(client, put, { expiresIn: 300, signableHeaders: new Set(signedUploadHeaders) }));

    for (const [objectKey, filename, contentType, disposition] of [
      [key, 'Résumé – 履歴書 (1).pdf', 'application/pdf', 'inline'],
      [`variants/${key}/preview`, "cv's page*1.webp", 'image/webp', 'attachment'],
    ] as const) {
      const link = await service.getDownloadUrl(objectKey, { filename, contentType, disposition, expiresIn: 120 });
      const get = new GetObjectCommand({
        Bucket: location.bucket,
        Key: objectKey,
        ResponseContentType: contentType,
        ResponseContentDisposition: buildContentDisposition(disposition, filename),
        ResponseCacheControl: 'private, no-store',
      });
      expect(link).toBe(await getSignedUrl(client, get, { expiresIn: 120 }));
    }
  });
});

describe('the configured S3 service', () => {
  const names = ['S3_BUCKET', 'AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'] as const;
  const saved = Object.fromEntries(names.map((name) => [name, process.env[name]]));
  afterEach(() => {
    for (const name of names) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
    resetEnv();
  });

  it('is one instance per configuration, so that its presigner is set up once per process, not per request', async () => {
    Object.assign(process.env, { S3_BUCKET: 'resumes', AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b' });
    resetEnv();
    const first = getStorage();
    expect(first).toBeInstanceOf(S3StorageService);
    expect(getStorage()).toBe(first);
    process.env.S3_BUCKET = 'other-resumes';
    resetEnv();
    const other = getStorage();
    expect(other).not.toBe(first);
    expect(new URL(await other.getDownloadUrl('k3y0000000000000000000000000', { filename: 'a.pdf', contentType: 'application/pdf', disposition: 'inline', expiresIn: 60 })).host).toBe(
      'other-resumes.s3.eu-west-1.amazonaws.com',
    );
  });
});
