import 'server-only';
import { and, eq, isNull, lt, or, sql } from 'drizzle-orm';
import { getDb } from '@/lib/db';
import { blobs, blobVariants } from '@/db/schema';
import { getStorage } from '@/lib/storage';
import { variantKey } from '@/lib/storage/keys';
import type { StorageService } from '@/lib/storage/service';
import { defaultLimits, runPdfWorker, type AnalysisLimits, type WorkerOutcome } from './run-pdf-worker';

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

/** A claim older than this is from a process that died mid-analysis: far longer than one analysis. */
export function claimExpirySeconds(limits: AnalysisLimits = defaultLimits): number {
  return Math.ceil((limits.timeoutMs * 3) / 1000) + 60;
}

/** The storage service of this deployment (analysis makes no links: it needs no public origin). */
export function getAnalysisStorage(): StorageService {
  return getStorage();
}

/**
 * Analyzes an attached blob once: page count, the PDF's own metadata, its text (searchable) and a
 * first-page preview stored as a variant. Idempotent and safe to call from several processes: the
 * blob is claimed first, and one already analyzed, being analyzed or gone is left alone (null).
 * A file PDF.js cannot handle within the limits is a recorded failure, not an error; storage or
 * database trouble throws and releases the claim, so the sweep tries again later.
 */
export async function analyzeBlob(blobId: string, limits: AnalysisLimits = defaultLimits): Promise<AnalysisReport | null> {
  const db = await getDb();
  const storage = getAnalysisStorage();
  const [blob] = await db
    .update(blobs)
    .set({ analysisClaimedAt: sql`now()` })
    .where(
      and(
        eq(blobs.id, blobId),
        eq(blobs.state, 'attached'),
        isNull(blobs.analyzedAt),
        eq(blobs.serviceName, storage.name),
        or(
          isNull(blobs.analysisClaimedAt),
          lt(blobs.analysisClaimedAt, sql`now() - make_interval(secs => ${claimExpirySeconds(limits)})`),
        ),
      ),
    )
    .returning({ id: blobs.id, key: blobs.key, byteSize: blobs.byteSize });
  if (!blob) return null;

  try {
    const outcome = await analyzeObject(storage, blob, limits);
    return await record(storage, blob, outcome);
  } catch (error) {
    await db
      .update(blobs)
      .set({ analysisClaimedAt: null })
      .where(eq(blobs.id, blob.id))
      .catch(() => undefined);
    throw error;
  }
}

async function analyzeObject(
  storage: StorageService,
  blob: { key: string; byteSize: number },
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
  return runPdfWorker(bytes, limits);
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
  const recorded = await db.transaction(async (tx) => {
    // Updating the row locks it: a concurrent delete of the blob either waits for this
    // transaction (and cascades to the variant row) or has already happened (no row here).
    const [row] = await tx
      .update(blobs)
      .set({ ...analysis, analyzedAt: sql`now()`, analysisClaimedAt: null })
      .where(and(eq(blobs.id, blob.id), eq(blobs.state, 'attached')))
      .returning({ id: blobs.id });
    if (!row) return false;
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
    return true;
  });
  // The blob was deleted while it was analyzed; or this run made no preview where an earlier one did.
  if (!recorded || !preview) await storage.delete(previewKey);
  if (!recorded) return null;

  if (outcome.ok && outcome.result.previewError) {
    console.warn(`analysis: blob ${blob.id}: no preview (${outcome.result.previewError})`);
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
