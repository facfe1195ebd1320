import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { Client } from 'pg';
import { afterAll, beforeAll, beforeEach, inject } from 'vitest';
import { closeDb, getDb, openDatabase } from '@/db/client';
import { resetEnv, getEnv } from '@/lib/env';

export const testSecret = 'integration-test-secret-that-is-long-enough-0123456789';

let storageRoot = '';
let databaseName: string | undefined;

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
  process.env.STORAGE_ROOT = storageRoot;
  delete process.env.S3_BUCKET;
  delete process.env.STORAGE_SERVICE;
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
  const db = await getDb();
  await db.execute(sql`TRUNCATE attachments, users, blobs`);
  await rm(storageRoot, { recursive: true, force: true });
});

afterAll(async () => {
  await closeDb();
  await rm(storageRoot, { recursive: true, force: true });
  if (databaseName) await adminQuery(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
});

export function getStorageRoot(): string {
  return storageRoot;
}
