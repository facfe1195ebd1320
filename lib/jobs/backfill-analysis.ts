import 'server-only';
import { getDb } from '@/lib/database';
import { analysisBackfill } from '@/db/schema';
import { analyzeResumeJob } from './analyze-resume';
import { sendJob } from './send-job';

/**
 * Queues the analysis of resumes attached before analysis ran as a job (the migration listed them),
 * in the transaction that takes them off the list: each is queued once, by whichever process
 * gets there first. Returns how many were queued.
 */
export async function backfillAnalysis(): Promise<number> {
  const db = await getDb();
  return db.transaction(async (tx) => {
    const listed = await tx.delete(analysisBackfill).returning({ blobId: analysisBackfill.blobId });
    for (const { blobId } of listed) await sendJob(analyzeResumeJob, { blobId }, { tx, singletonKey: blobId });
    return listed.length;
  });
}
