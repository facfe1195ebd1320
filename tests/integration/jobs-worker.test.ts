import { eq, sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { getDb } from '@/lib/database';
import { analysisBackfill, attachments, blobs } from '@/db/schema';
import { backfillAnalysis } from '@/lib/jobs/backfill-analysis';
import { setJobsRole } from '@/lib/jobs/boss';
import { startWorkers } from '@/lib/jobs/worker';
import { makeTextPdf } from '../fixtures/pdf-documents';
import { applyWithResume } from '../support/api';
import { analysisJobsOf, runQueuedAnalyses } from '../support/jobs';

async function apply(email: string, text: string) {
  const created = await applyWithResume(makeTextPdf([[text]]), { email, first_name: 'Wanda', last_name: 'Worker' });
  expect(created.status).toBe(200);
  const db = await getDb();
  const [row] = await db.select().from(attachments).where(eq(attachments.recordId, created.body.id as string));
  return row!.blobId;
}

async function analyzedText(blobId: string) {
  const db = await getDb();
  const [row] = await db.select({ text: blobs.extractedText, analyzedAt: blobs.analyzedAt }).from(blobs).where(eq(blobs.id, blobId));
  return row?.analyzedAt ? row.text : undefined;
}

describe('the job worker', () => {
  afterEach(async () => {
    await setJobsRole('sender');
  });

  it('started in this process, analyzes a resume moments after its attach, without being asked', { timeout: 30_000 }, async () => {
    await setJobsRole('worker');
    await startWorkers();
    const started = performance.now();
    const blobId = await apply('wanda@example.com', 'Worked in process');
    while ((await analyzedText(blobId)) === undefined) {
      if (performance.now() - started > 15_000) throw new Error('not analyzed within 15 s');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await analyzedText(blobId)).toBe('Worked in process');
    expect((await analysisJobsOf(blobId)).map((job) => job.state)).toEqual(['completed']);
  });

  it('drains a backlog one job after another, not one per pg-boss notification backstop (30 s)', { timeout: 60_000 }, async () => {
    // Queued before any worker listens: no notification will wake it for these.
    const blobIds = [await apply('one@example.com', 'First waiting'), await apply('two@example.com', 'Second waiting'), await apply('three@example.com', 'Third waiting')];
    await setJobsRole('worker');
    await startWorkers();
    const started = performance.now();
    for (const blobId of blobIds) {
      while ((await analyzedText(blobId)) === undefined) {
        if (performance.now() - started > 20_000) throw new Error('the backlog was not analyzed within 20 s');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    expect(await Promise.all(blobIds.map(analyzedText))).toEqual(['First waiting', 'Second waiting', 'Third waiting']);
  });

  it('queues, once, the analysis of resumes attached before the job queue (listed by the migration)', async () => {
    const blobId = await apply('before@example.com', 'Attached long ago');
    const db = await getDb();
    // As the migration found it: attached, not analyzed, and no job (the old code sent none).
    await db.execute(sql`delete from pgboss.job`);
    await db.insert(analysisBackfill).values({ blobId });
    expect(await backfillAnalysis()).toBe(1);
    expect(await backfillAnalysis()).toBe(0);
    expect(await db.select().from(analysisBackfill)).toEqual([]);
    expect((await analysisJobsOf(blobId)).map((job) => job.state)).toEqual(['created']);
    expect(await runQueuedAnalyses()).toEqual({ completed: 1, failed: 0, left: false });
    expect(await analyzedText(blobId)).toBe('Attached long ago');
  });
});
