import 'server-only';
import { and, asc, count, eq, gt, isNotNull, isNull, lt, or, sql } from 'drizzle-orm';
import { getDb } from '@/lib/db';
import { blobs } from '@/db/schema';
import { analyzeBlob, claimExpirySeconds, getAnalysisStorage } from './analyze-blob';
import { logAnalysis } from './log';
import { defaultLimits, type AnalysisLimits } from './run-pdf-worker';

export interface SweepResult {
  /** Analyzed now. */
  analyzed: number;
  /** Ended as a recorded failure (a file PDF.js could not handle within the limits). */
  failed: number;
  /** Storage or database trouble: left for the next sweep. */
  errors: number;
  /** Still waiting (the time budget ran out, or another process holds them). */
  remaining: number;
}

const batchSize = 20;
const noId = '00000000-0000-0000-0000-000000000000';

/**
 * Analyzes every attached blob not analyzed yet (what `after()` missed: a crash, a deploy, a
 * timeout of the function), one at a time, until `budgetMs` has passed. Safe to run while the
 * server analyzes new uploads: each blob is claimed before it is analyzed.
 */
export async function analyzePendingBlobs({
  budgetMs = Number.POSITIVE_INFINITY,
  limits = defaultLimits,
}: { budgetMs?: number; limits?: AnalysisLimits } = {}): Promise<SweepResult> {
  const db = await getDb();
  const storage = getAnalysisStorage();
  const started = performance.now();
  const result: SweepResult = { analyzed: 0, failed: 0, errors: 0, remaining: 0 };
  const pending = and(
    eq(blobs.state, 'attached'),
    isNull(blobs.analyzedAt),
    eq(blobs.serviceName, storage.name),
    or(isNull(blobs.analysisClaimedAt), lt(blobs.analysisClaimedAt, sql`now() - make_interval(secs => ${claimExpirySeconds(limits)})`)),
  );
  let after = noId;
  sweep: for (;;) {
    const batch = await db
      .select({ id: blobs.id })
      .from(blobs)
      .where(and(pending, gt(blobs.id, after)))
      .orderBy(asc(blobs.id))
      .limit(batchSize);
    if (batch.length === 0) break;
    for (const { id } of batch) {
      if (performance.now() - started > budgetMs) break sweep;
      after = id;
      try {
        const report = await analyzeBlob(id, limits);
        if (report) {
          logAnalysis(report, 'sweep');
          result[report.status === 'analyzed' ? 'analyzed' : 'failed'] += 1;
        }
      } catch (error) {
        console.error(`analysis: blob ${id}: ${(error as Error).message}`);
        result.errors += 1;
      }
    }
  }
  const [left] = await db.select({ value: count() }).from(blobs).where(and(eq(blobs.state, 'attached'), isNull(blobs.analyzedAt)));
  result.remaining = left?.value ?? 0;
  return result;
}

/**
 * Forgets earlier results so that the next sweep analyzes again: only the failures, or every
 * resume (after an upgrade of the analyzer). Returns how many were marked.
 */
export async function markForReanalysis(which: 'failed' | 'all'): Promise<number> {
  const db = await getDb();
  const marked = await db
    .update(blobs)
    .set({ analyzedAt: null, analysisClaimedAt: null })
    .where(and(eq(blobs.state, 'attached'), which === 'failed' ? isNotNull(blobs.analysisError) : isNotNull(blobs.analyzedAt)))
    .returning({ id: blobs.id });
  return marked.length;
}
