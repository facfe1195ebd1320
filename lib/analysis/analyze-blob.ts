import 'server-only';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { getDb } from '@/lib/database';
import { getEnv } from '@/lib/env';
import { blobs, blobVariants } from '@/db/schema';
import { getStorage } from '@/lib/storage';
import { variantKey } from '@/lib/storage/keys';
import type { StorageService } from '@/lib/storage/service';
import { RetryableJobError } from '@/lib/jobs/define-job';
import { analyzerFor } from './analyzers';
import { analysisFailures } from './failures';
import { defaultLimits, type AnalysisLimits, type WorkerOutcome } from './run-analysis-worker';

export interface AnalysisReport {
  blobId: string;
  status: 'analyzed' | 'failed';
  error?: string;
  pageCount: number | null;
  durationMs: number;
  peakRssGrowthBytes: number;
}

// Files this large are not resumes; reading them whole would be the memory problem.
const maxAnalyzedBytes = 64 * 1024 * 1024;

/** The storage service of this deployment (analysis makes no links: it needs no public origin). */
export function getAnalysisStorage(): StorageService {
  return getStorage();
}

/** The analyzer's ceilings, with the time one from the configuration. */
function configuredLimits(): AnalysisLimits {
  return { ...defaultLimits, timeoutMs: getEnv().ANALYSIS_TIMEOUT_MS };
}

/**
 * Analyzes an attached blob with the analyzer its content type chooses (page count, metadata,
 * searchable text, a PDF's preview). Idempotent, since a job may run twice: a blob already
 * analyzed or gone is left alone. A file's own failure is recorded; a retryable one (failures.ts)
 * and storage or database trouble throw, so that the queue retries them.
 */
export async function analyzeBlob(blobId: string, limits: AnalysisLimits = configuredLimits()): Promise<AnalysisReport | null> {
  const db = await getDb();
  const storage = getAnalysisStorage();
  const [blob] = await db
    .select({ id: blobs.id, key: blobs.key, byteSize: blobs.byteSize, contentType: blobs.contentType })
    .from(blobs)
    .where(and(eq(blobs.id, blobId), eq(blobs.state, 'attached'), isNull(blobs.analyzedAt), eq(blobs.serviceName, storage.name)));
  if (!blob) return null;

  const outcome = await analyzeObject(storage, blob, limits);
  if (!outcome.ok && analysisFailures[outcome.failure.code].retryable) throw new RetryableJobError(outcome.failure.code);
  return record(storage, blob, outcome);
}

/**
 * What the queue records when it gave up on a blob (its last attempt failed, or its process died
 * each time): shown to the recruiter as such, and not analyzed again unless asked
 * (`npm run blobs:analyze -- --retry-failed`).
 */
export async function recordAnalysisGivenUp(blobId: string, attempts: number, lastError: string): Promise<void> {
  const db = await getDb();
  await db
    .update(blobs)
    .set({
      analyzedAt: sql`now()`,
      analysisError: 'gave_up',
      analysisErrorMessage: `Gave up after ${attempts} tries (last: ${lastError}).`,
    })
    .where(and(eq(blobs.id, blobId), eq(blobs.state, 'attached'), isNull(blobs.analyzedAt)));
}

async function analyzeObject(
  storage: StorageService,
  blob: { key: string; byteSize: number; contentType: string },
  limits: AnalysisLimits,
): Promise<WorkerOutcome> {
  const noStats = { durationMs: 0, peakRssGrowthBytes: 0 };
  if (blob.byteSize > maxAnalyzedBytes) {
    return { ok: false, failure: { code: 'too_large', message: `The file is larger than ${maxAnalyzedBytes / 1024 / 1024} MB.` }, stats: noStats };
  }
  let bytes: Uint8Array;
  try {
    bytes = await storage.readRange(blob.key, 0, blob.byteSize - 1);
  } catch (error) {
    // Gone for good is a result; anything else (storage down) is for a later try.
    if ((await storage.stat(blob.key)) === null) {
      return { ok: false, failure: { code: 'file_missing', message: 'The file is missing from storage.' }, stats: noStats };
    }
    throw error;
  }
  return analyzerFor(blob.contentType).analyze(bytes, limits);
}

async function record(
  storage: StorageService,
  blob: { id: string; key: string },
  outcome: WorkerOutcome,
): Promise<AnalysisReport | null> {
  const db = await getDb();
  const previewKey = variantKey(blob.key, 'preview');
  const preview = outcome.ok ? outcome.result.preview : null;
  // The object first: a variant row never points at nothing.
  if (preview) await storage.upload(previewKey, preview.bytes, preview.contentType);

  const analysis = outcome.ok
    ? {
        pageCount: outcome.result.pageCount,
        pdfMetadata: outcome.result.metadata,
        extractedText: outcome.result.text,
        analysisError: null,
        analysisErrorMessage: null,
      }
    : {
        pageCount: outcome.failure.pageCount ?? null,
        pdfMetadata: null,
        extractedText: null,
        analysisError: outcome.failure.code,
        analysisErrorMessage: outcome.failure.message,
      };
  const recorded = await db.transaction(async (tx): Promise<'recorded' | 'gone' | 'analyzed_already'> => {
    // Updating the row locks it: a concurrent delete of the blob either waits for this
    // transaction (and cascades to the variant row) or has already happened (no row here).
    const [row] = await tx
      .update(blobs)
      .set({ ...analysis, analyzedAt: sql`now()` })
      .where(and(eq(blobs.id, blob.id), eq(blobs.state, 'attached'), isNull(blobs.analyzedAt)))
      .returning({ id: blobs.id });
    if (!row) {
      // Deleted meanwhile (its preview object must go), or analyzed by an earlier run (`--all`
      // marks blobs again; that run's preview, under the same key, stays).
      const [kept] = await tx.select({ id: blobs.id }).from(blobs).where(and(eq(blobs.id, blob.id), eq(blobs.state, 'attached')));
      return kept ? 'analyzed_already' : 'gone';
    }
    if (preview) {
      const variant = {
        key: previewKey,
        contentType: preview.contentType,
        byteSize: preview.bytes.byteLength,
        width: preview.width,
        height: preview.height,
      };
      await tx
        .insert(blobVariants)
        .values({ blobId: blob.id, name: 'preview', ...variant })
        .onConflictDoUpdate({ target: [blobVariants.blobId, blobVariants.name], set: { ...variant, createdAt: sql`now()` } });
    } else {
      await tx.delete(blobVariants).where(and(eq(blobVariants.blobId, blob.id), eq(blobVariants.name, 'preview')));
    }
    return 'recorded';
  });
  // The blob was deleted while it was analyzed; or this run made no preview where an earlier one did.
  if (recorded === 'gone' || (recorded === 'recorded' && !preview)) await storage.delete(previewKey);
  if (recorded !== 'recorded') return null;

  if (outcome.ok && outcome.result.previewError) {
    // The renderer's message can quote the file: only the fact is logged.
    console.warn(`analysis: blob ${blob.id}: no preview`);
  }
  return {
    blobId: blob.id,
    status: outcome.ok ? 'analyzed' : 'failed',
    ...(outcome.ok ? {} : { error: outcome.failure.code }),
    pageCount: analysis.pageCount,
    durationMs: Math.round(outcome.stats.durationMs),
    peakRssGrowthBytes: outcome.stats.peakRssGrowthBytes,
  };
}
