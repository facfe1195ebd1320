import { eq, sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { GET as jobsCron } from '@/app/api/jobs/route';
import { getBoss, setJobsRole } from '@/lib/jobs/boss';
import { purgeBlobsJob } from '@/lib/jobs/purge-blobs';
import { sendJob } from '@/lib/jobs/send-job';
import { getDb } from '@/lib/database';
import { blobs } from '@/db/schema';
import { verifyBlobToken } from '@/lib/blobs/blob-token';
import { purgeUnattachedBlobs } from '@/lib/blobs/purge-unattached';
import { resetEnv } from '@/lib/env';
import { makePdf } from '../fixtures/pdf';
import { applyWithResume, createUser, fileRequest, origin, presign, putObject } from '../support/api';
import { countRows, listStoredFiles } from '../support/state';

async function uploadedBlob(uploaded = true) {
  const pdf = makePdf();
  const upload = await presign(fileRequest(pdf));
  if (uploaded) await putObject(upload.body.direct_upload.url, upload.body.direct_upload.headers, pdf);
  return { id: await verifyBlobToken(upload.body.blob_signed_id), token: upload.body.blob_signed_id as string };
}

async function age(id: string, hours: number) {
  const db = await getDb();
  await db.update(blobs).set({ createdAt: sql`now() - make_interval(hours => ${hours})` }).where(eq(blobs.id, id));
}

async function states() {
  const db = await getDb();
  return (await db.select({ id: blobs.id, state: blobs.state }).from(blobs)).map((row) => row.state).sort();
}

describe('purging blobs never attached', () => {
  afterEach(() => {
    delete process.env.CRON_SECRET;
    resetEnv();
  });

  it('deletes old unattached blobs (object and row), keeps recent and attached ones, and is idempotent', async () => {
    const oldUploaded = await uploadedBlob();
    const oldNeverUploaded = await uploadedBlob(false);
    const recent = await uploadedBlob();
    const attached = await applyWithResume(makePdf('Attached'), { email: 'ada@example.com', first_name: 'Ada', last_name: 'L' });
    expect(attached.status).toBe(200);
    const db = await getDb();
    const [attachedBlob] = await db.select().from(blobs).where(eq(blobs.state, 'attached'));
    await age(oldUploaded.id, 72);
    await age(oldNeverUploaded.id, 49);
    await age(recent.id, 47);
    await age(attachedBlob!.id, 500);
    expect(await listStoredFiles()).toHaveLength(3);

    expect(await purgeUnattachedBlobs()).toEqual({ purged: 2, expired: 0, abandoned: 0, temporaryFiles: 0, failed: 0, olderThanHours: 48 });
    expect(await states()).toEqual(['attached', 'pending']);
    expect(await listStoredFiles()).toHaveLength(2);
    expect(await countRows()).toEqual({ users: 1, blobs: 2, attachments: 1 });

    expect(await purgeUnattachedBlobs()).toEqual({ purged: 0, expired: 0, abandoned: 0, temporaryFiles: 0, failed: 0, olderThanHours: 48 });
    expect(await purgeUnattachedBlobs(1)).toEqual({ purged: 1, expired: 0, abandoned: 0, temporaryFiles: 0, failed: 0, olderThanHours: 1 });
    expect(await states()).toEqual(['attached']);
  });

  it('makes a purged blob impossible to attach', async () => {
    const blob = await uploadedBlob();
    await age(blob.id, 72);
    await purgeUnattachedBlobs();
    const late = await createUser({ email: 'late@example.com', first_name: 'Late', last_name: 'Comer', pdf: blob.token });
    expect(late.status).toBe(422);
    expect((await countRows()).users).toBe(0);
  });

  it('runs hourly as a scheduled job, which the jobs cron also works (CRON_SECRET only)', async () => {
    // A worker process makes the schedule; the sender this test runs as does not.
    await setJobsRole('worker');
    try {
      const boss = await getBoss();
      expect((await boss.getSchedules(purgeBlobsJob.name)).map((schedule) => schedule.cron)).toEqual(['17 * * * *']);
    } finally {
      await setJobsRole('sender');
    }
    const call = (authorization?: string) =>
      jobsCron(new Request(`${origin}/api/jobs`, { headers: authorization ? { Authorization: authorization } : {} }), {
        params: Promise.resolve({}),
      });
    expect((await call()).status).toBe(403);
    process.env.CRON_SECRET = 'cron-secret-for-tests-0123456789';
    resetEnv();
    expect((await call('Bearer nope')).status).toBe(401);
    const blob = await uploadedBlob();
    await age(blob.id, 49);
    // What the scheduler sends on the hour.
    expect(await sendJob(purgeBlobsJob, {})).toBeTruthy();
    const response = await call('Bearer cron-secret-for-tests-0123456789');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ completed: 1, failed: 0, left: false });
    expect(await listStoredFiles()).toEqual([]);
    expect(await countRows()).toEqual({ users: 0, blobs: 0, attachments: 0 });
  });
});
