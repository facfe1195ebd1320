import { sql } from 'drizzle-orm';
import { Client } from 'pg';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/lib/database';
import { getBoss } from '@/lib/jobs/boss';
import { blobs } from '@/db/schema';
import { makePdf } from '../fixtures/pdf';
import { createUser, fileRequest, presign, putObject } from '../support/api';
import { analysisJobsOf } from '../support/jobs';
import { countRows, expectConsistent } from '../support/state';

async function admin<T>(run: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

describe('the database connection killed in the middle of attaching', () => {
  beforeAll(async () => {
    // Started first, as the route does before its transaction.
    await getBoss();
  });
  afterEach(async () => {
    const db = await getDb();
    await db.execute(sql`DROP TRIGGER IF EXISTS slow_attachment ON attachments`);
  });

  it('answers 503, writes nothing, queues nothing, and the same token succeeds on retry', async () => {
    const pdf = makePdf();
    const upload = await presign(fileRequest(pdf));
    await putObject(upload.body.direct_upload.url, upload.body.direct_upload.headers, pdf);

    // Hold the transaction open inside the attachment insert, after the user row was written.
    const db = await getDb();
    await db.execute(sql`CREATE OR REPLACE FUNCTION slow_down() RETURNS trigger AS $$ BEGIN PERFORM pg_sleep(5); RETURN NEW; END $$ LANGUAGE plpgsql`);
    await db.execute(sql`CREATE TRIGGER slow_attachment BEFORE INSERT ON attachments FOR EACH ROW EXECUTE FUNCTION slow_down()`);

    const pending = createUser({ email: 'ada@example.com', first_name: 'Ada', last_name: 'L', pdf: upload.body.blob_signed_id });
    await admin(async (client) => {
      for (let attempt = 0; attempt < 50; attempt += 1) {
        const killed = await client.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
           WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE '%attachments%' AND state = 'active'`,
        );
        if (killed.rowCount) return;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error('the attaching transaction never showed up');
    });
    const result = await pending;
    expect(result.status).toBe(503);
    expect(result.body.error.code).toBe('database_unavailable');
    expect(await countRows()).toEqual({ users: 0, blobs: 1, attachments: 0 });
    const [blob] = await db.select().from(blobs);
    expect(blob?.state).toBe('pending');
    // Nothing queued either: the analysis job is sent in the attach's transaction.
    expect(await analysisJobsOf(blob!.id)).toEqual([]);

    await db.execute(sql`DROP TRIGGER slow_attachment ON attachments`);
    const retry = await createUser({ email: 'ada@example.com', first_name: 'Ada', last_name: 'L', pdf: upload.body.blob_signed_id });
    expect(retry.status).toBe(200);
    expect(await countRows()).toEqual({ users: 1, blobs: 1, attachments: 1 });
    expect((await analysisJobsOf(blob!.id)).map((job) => job.state)).toEqual(['created']);
    await expectConsistent();
  });
});
