import 'server-only';
import { randomBytes, createHash } from 'node:crypto';
import { fileTypes } from '@/lib/contract/file-types';
import type { Env } from '@/lib/env';
import { getStorage } from '@/lib/storage';
import { bucketUrl, signedUploadHeaders, type BucketLocation } from './bucket-url';
import { directUploadCorsHeaders } from './cors';
import { StorageRefusedError, StorageUnavailableError } from './errors';
import { generateBlobKey } from './keys';
import type { CrossOriginBucket, DirectUpload, StorageService } from './service';

export interface CheckResult {
  name: string;
  status: 'pass' | 'warn' | 'fail';
  message: string;
  /** What to do about it, for a warning or a failure. */
  fix?: string;
}

const maxSkewSeconds = 300;

/** Everything a direct upload needs from the configured storage, each with the likely fix. */
export async function checkStorage(env: Env): Promise<CheckResult[]> {
  const storage = getStorage();
  // The disk service's URLs are this app's own: no bucket, clock or CORS rules to check.
  const { bucket } = storage;
  if (!bucket) return [await checkRoundTrip(storage)];

  const results: CheckResult[] = [];
  const reachable = await checkBucket(storage, bucket.name);
  results.push(reachable);
  if (reachable.status === 'fail') return results;
  const location: BucketLocation = { bucket: bucket.name, region: env.AWS_REGION, endpoint: env.S3_ENDPOINT, forcePathStyle: env.S3_FORCE_PATH_STYLE };
  results.push(await checkClock(location));
  results.push(await checkPresignedPut(storage));
  results.push(await checkCors(bucket, location, env.ALLOWED_ORIGINS));
  results.push(await checkRoundTrip(storage, env.ALLOWED_ORIGINS[0]));
  return results;
}

async function checkBucket(storage: StorageService, bucket: string): Promise<CheckResult> {
  const name = 'bucket';
  try {
    await storage.ping();
    return { name, status: 'pass', message: `Bucket ${bucket} is reachable with these credentials.` };
  } catch (error) {
    if (error instanceof StorageRefusedError && error.reason === 'missing') {
      return { name, status: 'fail', message: error.message, fix: 'Create the bucket, or correct S3_BUCKET, AWS_REGION and S3_ENDPOINT.' };
    }
    if (error instanceof StorageRefusedError) {
      return {
        name,
        status: 'fail',
        message: error.message,
        fix: 'Check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, and that the key may access this bucket (s3:ListBucket for this check).',
      };
    }
    // The SDK's own words (host, code), not our wrapper's.
    const cause = error instanceof StorageUnavailableError && error.cause instanceof Error ? error.cause : error;
    return {
      name,
      status: 'fail',
      message: `Cannot reach the storage: ${(cause as Error).message}`,
      fix: 'Check S3_ENDPOINT (or AWS_REGION for AWS) and that this machine can reach it.',
    };
  }
}

async function checkClock(location: BucketLocation): Promise<CheckResult> {
  const name = 'clock';
  const before = Date.now();
  const response = await fetch(bucketUrl(location), { method: 'HEAD' }).catch(() => null);
  const serverDate = response?.headers.get('date');
  if (!serverDate) return { name, status: 'warn', message: 'The storage sent no Date header; clock skew not checked.' };
  const skew = Math.round((Date.parse(serverDate) - (before + Date.now()) / 2) / 1000);
  if (Math.abs(skew) > maxSkewSeconds) {
    return {
      name,
      status: 'fail',
      message: `This machine's clock is ${Math.abs(skew)} s ${skew > 0 ? 'behind' : 'ahead of'} the storage's.`,
      fix: 'Synchronise the clock (NTP): presigned URLs are refused (RequestTimeTooSkewed) or expire early.',
    };
  }
  return { name, status: 'pass', message: `Clock skew ${Math.abs(skew)} s (limit ${maxSkewSeconds} s).` };
}

async function checkPresignedPut(storage: StorageService): Promise<CheckResult> {
  const name = 'presigned-put';
  const { url } = await storage.createDirectUpload({
    key: generateBlobKey(),
    contentType: fileTypes.pdf.contentType,
    byteSize: 1,
    checksum: createHash('md5').update('x').digest('base64'),
    expiresIn: 60,
  });
  const params = new URL(url).searchParams;
  const checksumParams = [...params.keys()].filter((key) => key.toLowerCase().startsWith('x-amz-checksum') || key.toLowerCase() === 'x-amz-sdk-checksum-algorithm');
  const signed = (params.get('X-Amz-SignedHeaders') ?? '').split(';');
  const missing = signedUploadHeaders.filter((header) => !signed.includes(header));
  if (checksumParams.length > 0) {
    return {
      name,
      status: 'fail',
      message: `Presigned PUT URLs carry ${checksumParams.join(', ')}: the SDK's default checksum mode is on.`,
      fix: "Create the S3 client with requestChecksumCalculation: 'WHEN_REQUIRED' (lib/storage/s3.ts).",
    };
  }
  if (missing.length > 0) {
    return { name, status: 'fail', message: `Presigned PUT URLs do not sign ${missing.join(', ')}.`, fix: 'Name them in signableHeaders (lib/storage/s3.ts).' };
  }
  return { name, status: 'pass', message: 'Presigned PUTs sign Content-Type, Content-MD5, Content-Length and If-None-Match, with no SDK checksum.' };
}

async function checkCors(bucket: CrossOriginBucket, location: BucketLocation, origins: string[]): Promise<CheckResult> {
  const name = 'cors';
  const fix = 'Run `npm run storage:cors` with ALLOWED_ORIGINS (or APP_URL) set to the app’s origin.';
  if (origins.length === 0) {
    return { name, status: 'warn', message: 'No APP_URL or ALLOWED_ORIGINS: cannot tell which origin the bucket must allow.', fix: 'Set APP_URL to the app’s public origin.' };
  }
  let rules;
  try {
    rules = await bucket.readCorsRules();
  } catch (error) {
    return { name, status: 'warn', message: `Cannot read the bucket's CORS rules (${(error as Error).message}); checked by preflight only.` };
  }
  const lower = (values: string[] | undefined) => (values ?? []).map((value) => value.toLowerCase());
  for (const origin of origins) {
    const rule = rules.find(
      (candidate) =>
        (candidate.AllowedOrigins ?? []).some((allowed) => allowed === '*' || allowed === origin) &&
        lower(candidate.AllowedMethods).includes('put') &&
        directUploadCorsHeaders.every((header) => lower(candidate.AllowedHeaders).some((allowed) => allowed === '*' || allowed === header.toLowerCase())),
    );
    if (!rule) {
      return { name, status: 'fail', message: `The bucket's CORS rules do not allow PUT from ${origin} with ${directUploadCorsHeaders.join(', ')}.`, fix };
    }
    if (!lower(rule.ExposeHeaders).includes('etag')) {
      return { name, status: 'fail', message: `The CORS rule for ${origin} does not expose ETag.`, fix };
    }
    const preflight = await fetch(`${bucketUrl(location)}/cors-check`, {
      method: 'OPTIONS',
      headers: {
        Origin: origin,
        'Access-Control-Request-Method': 'PUT',
        'Access-Control-Request-Headers': directUploadCorsHeaders.join(',').toLowerCase(),
      },
    }).catch(() => null);
    if (!preflight || preflight.status >= 400 || preflight.headers.get('access-control-allow-origin') === null) {
      return { name, status: 'fail', message: `A browser preflight from ${origin} is refused (HTTP ${preflight?.status ?? 'no answer'}).`, fix };
    }
  }
  return { name, status: 'pass', message: `CORS allows direct uploads from ${origins.join(', ')} and exposes ETag.` };
}

/**
 * A one-byte upload through the same path a browser takes: presigned PUT to the bucket, then HEAD,
 * GET, DELETE. The disk service's upload URL is this app's route, which a command cannot count on
 * being up: there the byte is stored by the service directly (the route is what the storage
 * contract suite covers).
 */
async function checkRoundTrip(storage: StorageService, origin?: string): Promise<CheckResult> {
  const name = 'round-trip';
  const key = generateBlobKey();
  const byte = randomBytes(1);
  const checksum = createHash('md5').update(byte).digest('base64');
  try {
    const upload = { key, contentType: fileTypes.pdf.contentType, byteSize: 1, checksum, expiresIn: 60 };
    if (storage.bucket) {
      const put = await putProbe(await storage.createDirectUpload(upload), byte, origin);
      if (!put.ok) {
        return { name, status: 'fail', message: `The presigned PUT was refused (${put.detail}).`, fix: 'See the checks above; for S3 the key needs s3:PutObject on the bucket.' };
      }
    } else {
      await storage.upload(key, byte, upload.contentType);
    }
    const stat = await storage.stat(key);
    if (!stat || stat.byteSize !== 1 || (stat.checksum && stat.checksum !== checksum)) {
      return { name, status: 'fail', message: 'The probe object was not stored as sent.', fix: 'Check the storage’s logs.' };
    }
    const read = await storage.readRange(key, 0, 0);
    if (read[0] !== byte[0]) return { name, status: 'fail', message: 'The probe object reads back different bytes.' };
    await storage.delete(key);
    if (await storage.exists(key)) {
      return { name, status: 'fail', message: 'The probe object could not be deleted.', fix: 'Grant s3:DeleteObject on the bucket.' };
    }
    const encryption =
      stat.encryption && !stat.checksum
        ? ` Objects are stored with ${stat.encryption} encryption, whose ETag is not their MD5: S3 checks the MD5 at upload (signed Content-MD5), the app checks size and PDF signature.`
        : '';
    const path = storage.bucket ? 'presigned PUT, HEAD, GET and DELETE' : 'write, stat, read and delete';
    return { name, status: 'pass', message: `A 1-byte probe went through ${path} on the ${storage.name} service.${encryption}` };
  } catch (error) {
    await storage.delete(key).catch(() => undefined);
    return { name, status: 'fail', message: `The probe failed: ${(error as Error).message}`, fix: 'Check the storage configuration above.' };
  }
}

async function putProbe({ url, headers }: DirectUpload, body: Buffer, origin?: string) {
  const response = await fetch(url, { method: 'PUT', headers: origin ? { ...headers, Origin: origin } : headers, body: new Uint8Array(body) });
  const code = /<Code>([^<]+)<\/Code>/.exec(await response.text())?.[1];
  return { ok: response.ok, detail: `HTTP ${response.status}${code ? ` ${code}` : ''}` };
}
