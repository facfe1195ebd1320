import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { Client } from 'pg';
import { afterAll, beforeAll, beforeEach, inject } from 'vitest';
import { openDatabase } from '@/db/client';
import { closeDb, getDb } from '@/lib/db';
import { resetEnv, getEnv } from '@/lib/env';
import { createBucket, deleteBucket, emptyBucket, s3Settings, testBucketName, testS3Client } from './s3';

// What Next.js's server sets before it loads its request stores: after() needs it
// (tests/support/after-response.ts).
(globalThis as { AsyncLocalStorage?: unknown }).AsyncLocalStorage ??= AsyncLocalStorage;

export const testSecret = 'integration-test-secret-that-is-long-enough-0123456789';

let storageRoot = '';
let databaseName: string | undefined;
let bucket: string | undefined;

async function adminQuery(text: string) {
  const client = new Client({ connectionString: inject('postgresAdminUrl') });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

// Each test file gets its own database (a new Postgres database, or an in-memory PGlite) and its
// own storage folder; each test starts from empty tables.
beforeAll(async () => {
  storageRoot = await mkdtemp(path.join(os.tmpdir(), 'resume-drop-storage-'));
  process.env.BLOB_TOKEN_SECRET = testSecret;
  // Every request here comes from one address; the rate-limit test turns limits back on.
  process.env.RATE_LIMIT_DIRECT_UPLOADS = '0';
  process.env.RATE_LIMIT_USERS = '0';
  process.env.STORAGE_ROOT = storageRoot;
  delete process.env.S3_BUCKET;
  delete process.env.STORAGE_SERVICE;
  const s3 = process.env.TEST_STORAGE === 's3' && inject('s3').state === 'ready' ? s3Settings() : null;
  if (s3) {
    bucket = testBucketName('it');
    await createBucket(testS3Client(s3), bucket);
    Object.assign(process.env, {
      STORAGE_SERVICE: 's3',
      S3_BUCKET: bucket,
      S3_ENDPOINT: s3.endpoint,
      S3_FORCE_PATH_STYLE: 'true',
      AWS_REGION: s3.region,
      AWS_ACCESS_KEY_ID: s3.accessKeyId,
      AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
    });
  }
  if (process.env.TEST_DATABASE === 'postgres') {
    databaseName = `resume_drop_test_${process.pid}_${Date.now()}`;
    await adminQuery(`CREATE DATABASE ${databaseName}`);
    const url = new URL(inject('postgresAdminUrl'));
    url.pathname = `/${databaseName}`;
    process.env.DATABASE_URL = url.toString();
    resetEnv();
    const handle = await openDatabase(getEnv());
    await handle.migrate();
    await handle.close();
  } else {
    delete process.env.DATABASE_URL;
    process.env.PGLITE_DIR = 'memory://';
    resetEnv();
  }
});

beforeEach(async () => {
  // No S3 server in the S3 suite: each of its tests fails with the reason (see s3-global-setup.ts).
  const server = process.env.TEST_STORAGE === 's3' ? inject('s3') : null;
  if (server?.state === 'failed') throw new Error(server.reason);
  const db = await getDb();
  await db.execute(sql`TRUNCATE blob_variants, attachments, users, blobs, rate_limits`);
  await rm(storageRoot, { recursive: true, force: true });
  if (bucket) await emptyBucket(testS3Client(s3Settings()), bucket);
});

afterAll(async () => {
  await closeDb();
  await rm(storageRoot, { recursive: true, force: true });
  if (databaseName) await adminQuery(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
  if (bucket) await deleteBucket(testS3Client(s3Settings()), bucket);
});

export function getTestBucket(): string {
  if (!bucket) throw new Error('No S3 test bucket in this suite');
  return bucket;
}

export function getStorageRoot(): string {
  return storageRoot;
}
