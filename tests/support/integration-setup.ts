import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, inject } from 'vitest';
import { openDatabase } from '@/db/client';
import { closeDb, getDb } from '@/lib/database';
import { resetEnv, getEnv } from '@/lib/env';
import { createDatabase, dropDatabase } from '@/scripts/harness/postgres.mjs';
import { bucketName, createBucket, deleteBucket, emptyBucket, s3Client, s3StorageEnv } from '@/scripts/harness/s3.mjs';
import { s3Settings } from './s3';

// What Next.js's server sets before it loads its request stores: after() needs it
// (tests/support/after-response.ts).
(globalThis as { AsyncLocalStorage?: unknown }).AsyncLocalStorage ??= AsyncLocalStorage;

export const testSecret = 'integration-test-secret-that-is-long-enough-0123456789';

let storageRoot = '';
let mailDir = '';
let databaseName: string | undefined;
let bucket: string | undefined;

// Each test file gets its own database (a new Postgres database, or an in-memory PGlite) and its
// own storage folder; each test starts from empty tables.
beforeAll(async () => {
  storageRoot = await mkdtemp(path.join(os.tmpdir(), 'resume-drop-storage-'));
  process.env.BLOB_TOKEN_SECRET = testSecret;
  // Every request here comes from one address; the rate-limit test turns limits back on.
  process.env.RATE_LIMIT_DIRECT_UPLOADS = '0';
  process.env.RATE_LIMIT_USERS = '0';
  process.env.RATE_LIMIT_DISK_PUTS = '0';
  process.env.STORAGE_ROOT = storageRoot;
  // Without SMTP_URL, mail is written as .eml files: here, not in the repository's .data/mail.
  mailDir = await mkdtemp(path.join(os.tmpdir(), 'resume-drop-mail-'));
  process.env.MAIL_DIR = mailDir;
  // Tests work the job queue when they say so (tests/support/jobs.ts), not a worker in the background.
  process.env.JOBS_IN_PROCESS = 'false';
  delete process.env.S3_BUCKET;
  delete process.env.STORAGE_SERVICE;
  const s3 = process.env.TEST_STORAGE === 's3' && inject('s3').state === 'ready' ? s3Settings() : null;
  if (s3) {
    bucket = bucketName('rd-it');
    await createBucket(s3Client(s3), bucket);
    Object.assign(process.env, s3StorageEnv(s3, bucket));
  }
  if (process.env.TEST_DATABASE === 'postgres') {
    databaseName = `resume_drop_test_${process.pid}_${Date.now()}`;
    process.env.DATABASE_URL = await createDatabase(databaseName, inject('postgresAdminUrl'));
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
  await db.execute(sql`TRUNCATE blob_variants, attachments, analysis_backfill, users, blobs, rate_limits, pending_upload_bytes`);
  // The audit trail refuses TRUNCATE (it is append-only); the tests' owner lifts that for a moment.
  await db.execute(sql`ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_truncate`);
  await db.execute(sql`TRUNCATE audit_events`);
  await db.execute(sql`ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_truncate`);
  // pg-boss makes its schema when first used: its jobs go with the rows they were about.
  await db.execute(sql`do $$ begin if exists (select 1 from pg_namespace where nspname = 'pgboss') then delete from pgboss.job; end if; end $$`);
  await rm(storageRoot, { recursive: true, force: true });
  if (bucket) await emptyBucket(s3Client(s3Settings()), bucket);
});

afterAll(async () => {
  await closeDb();
  await rm(storageRoot, { recursive: true, force: true });
  await rm(mailDir, { recursive: true, force: true });
  if (databaseName) await dropDatabase(databaseName, inject('postgresAdminUrl'));
  if (bucket) await deleteBucket(s3Client(s3Settings()), bucket);
});

export function getTestBucket(): string {
  if (!bucket) throw new Error('No S3 test bucket in this suite');
  return bucket;
}

export function getStorageRoot(): string {
  return storageRoot;
}
