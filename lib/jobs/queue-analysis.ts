import 'server-only';
import { and, eq, isNotNull, isNull, type SQL } from 'drizzle-orm';
import { getDb } from '@/lib/database';
import { blobs } from '@/db/schema';
import { analyzeResumeJob } from './analyze-resume';
import { getBoss } from './boss';
import { sendJob } from './send-job';

export type Reanalysis = 'unanalyzed' | 'failed' | 'all';

/**
 * Queues the analysis of attached resumes: those not analyzed yet (their job lost, say, to a
 * restore), or those that failed (`--retry-failed`), or all of them (a better analyzer). Earlier
 * results are forgotten in the transaction that queues the jobs. Returns how many were queued
 * (a resume whose job is already waiting is not queued twice).
 */
export async function queueAnalysis(which: Reanalysis): Promise<number> {
  const db = await getDb();
  await getBoss();
  const chosen: Record<Reanalysis, SQL | undefined> = {
    unanalyzed: isNull(blobs.analyzedAt),
    failed: isNotNull(blobs.analysisError),
    all: undefined,
  };
  return db.transaction(async (tx) => {
    const marked = await tx
      .update(blobs)
      .set({ analyzedAt: null })
      .where(and(eq(blobs.state, 'attached'), chosen[which]))
      .returning({ id: blobs.id });
    let queued = 0;
    for (const { id } of marked) {
      if (await sendJob(analyzeResumeJob, { blobId: id }, { tx, singletonKey: id })) queued += 1;
    }
    return queued;
  });
}
