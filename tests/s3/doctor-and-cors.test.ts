import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getEnv, resetEnv } from '@/lib/env';
import { buildCorsRules } from '@/lib/storage/cors';
import { checkStorage, type CheckResult } from '@/lib/storage/doctor';
import { getTestBucket } from '../support/integration-setup';
import { s3Service, s3Settings, s3Skipped } from '../support/s3';

const appOrigin = 'http://127.0.0.1:3200';
const run = promisify(execFile);

function preflight(origin: string) {
  return fetch(`${s3Settings().endpoint}/${getTestBucket()}/any-key`, {
    method: 'OPTIONS',
    headers: {
      Origin: origin,
      'Access-Control-Request-Method': 'PUT',
      'Access-Control-Request-Headers': 'content-type,content-md5,if-none-match',
    },
  });
}

const byName = (results: CheckResult[]) => Object.fromEntries(results.map((result) => [result.name, result]));

describe.skipIf(s3Skipped())('bucket CORS and the storage doctor against Ceph RGW', () => {
  let saved = { ...process.env };

  beforeEach(async () => {
    saved = { ...process.env };
    process.env.APP_URL = appOrigin;
    resetEnv();
    await s3Service().bucket.applyCorsRules(buildCorsRules([appOrigin]));
  });

  afterEach(() => {
    process.env = { ...saved };
    resetEnv();
  });

  it('lets a browser preflight from the app origin through, and refuses another origin', async () => {
    const allowed = await preflight(appOrigin);
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(appOrigin);
    expect(allowed.headers.get('access-control-allow-methods')).toContain('PUT');
    expect((await preflight('http://evil.example')).status).toBe(403);
  });

  it('passes every check against a correctly configured bucket', async () => {
    const results = await checkStorage(getEnv());
    expect(results.map((result) => [result.name, result.status])).toEqual([
      ['bucket', 'pass'],
      ['clock', 'pass'],
      ['presigned-put', 'pass'],
      ['cors', 'pass'],
      ['round-trip', 'pass'],
    ]);
  });

  it('names the credentials for a wrong secret', async () => {
    process.env.AWS_SECRET_ACCESS_KEY = 'wrong-secret-wrong-secret-wrong-secret00';
    resetEnv();
    const [bucket, ...rest] = await checkStorage(getEnv());
    expect(bucket).toMatchObject({ name: 'bucket', status: 'fail' });
    expect(bucket?.message).toMatch(/refused these credentials/);
    expect(bucket?.fix).toMatch(/AWS_SECRET_ACCESS_KEY/);
    expect(rest).toEqual([]);
  });

  it('says the bucket does not exist for a missing bucket', async () => {
    process.env.S3_BUCKET = 'rd-no-such-bucket-anywhere';
    resetEnv();
    const [bucket] = await checkStorage(getEnv());
    expect(bucket).toMatchObject({ name: 'bucket', status: 'fail', message: 'Bucket rd-no-such-bucket-anywhere does not exist at this endpoint.' });
  });

  it("fails the CORS check when the rules do not include the app's origin", async () => {
    await s3Service().bucket.applyCorsRules(buildCorsRules(['https://somewhere-else.example']));
    const cors = byName(await checkStorage(getEnv())).cors;
    expect(cors?.status).toBe('fail');
    expect(cors?.message).toContain(`do not allow PUT from ${appOrigin}`);
    expect(cors?.fix).toContain('npm run storage:cors');
  });

  it('runs as `npm run storage:check` and `npm run storage:cors`, from configuration', async () => {
    const env = { ...process.env, NODE_ENV: 'development' as const };
    const cors = await run('npx', ['tsx', '--conditions=react-server', 'scripts/storage-cors.ts'], { env });
    expect(cors.stdout).toContain(`CORS rules applied to bucket ${getTestBucket()}`);
    const check = await run('npx', ['tsx', '--conditions=react-server', 'scripts/storage-check.ts'], { env });
    expect(check.stdout).toContain('✓ cors: CORS allows direct uploads from http://127.0.0.1:3200 and exposes ETag.');
    expect(check.stdout).toContain('Storage is ready for direct uploads.');

    const failing = await run('npx', ['tsx', '--conditions=react-server', 'scripts/storage-check.ts'], {
      env: { ...env, AWS_SECRET_ACCESS_KEY: 'wrong-secret-wrong-secret-wrong-secret00' },
    }).then(
      () => null,
      (error: { code: number; stdout: string }) => error,
    );
    expect(failing?.code).toBe(1);
    expect(failing?.stdout).toContain('✗ bucket: The storage refused these credentials');
  });
});
