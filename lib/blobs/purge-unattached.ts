import 'server-only';
import { and, asc, eq, gt, inArray, isNull, lt, lte, sql } from 'drizzle-orm';
import { getDb } from '@/lib/database';
import { blobs, pendingUploadBytes } from '@/db/schema';
import { getEnv } from '@/lib/env';
import { summarizeError } from '@/lib/http/error-log';
import { getStorage } from '@/lib/storage';
import type { StorageService } from '@/lib/storage/service';
import { claimPendingBlobs } from './pending-upload-totals';

export interface PurgeResult {
  /** Unattached blobs older than `olderThanHours`. */
  purged: number;
  /** Unattached blobs whose token has expired: nothing can attach them any more. */
  expired: number;
  /** Blobs whose upload URL expired without any object being stored. */
  abandoned: number;
  /** Leftover temporary files of the disk service (interrupted uploads). */
  temporaryFiles: number;
  failed: number;
  olderThanHours: number;
}

const batchSize = 100;
const noId = '00000000-0000-0000-0000-000000000000';

/**
 * How long after its upload URL expired a blob without an object is considered abandoned. A PUT
 * is authorised when it starts (by S3 and by the disk service alike) and may then take minutes on a
 * slow network: deleting its row sooner would leave the object, once written, with no row to purge it.
 */
export const abandonedUploadGraceSeconds = 15 * 60;

/**
 * Deletes blobs never attached after `olderThanHours`, object first, then row. Each is first
 * claimed (`purging`), which attaching refuses, so an attached blob is never touched and one whose
 * object could not be deleted is retried by the next run. Then the abandoned uploads, expired
 * running totals and the disk's leftover temporary files. Safe to run concurrently and repeatedly.
 */
export async function purgeUnattachedBlobs(olderThanHours = getEnv().UNATTACHED_BLOB_TTL_HOURS): Promise<PurgeResult> {
  const db = await getDb();
  const storage = getStorage();
  const cutoff = new Date(Date.now() - olderThanHours * 3600_000);
  const result: PurgeResult = { purged: 0, expired: 0, abandoned: 0, temporaryFiles: 0, failed: 0, olderThanHours };
  let after = noId;
  for (;;) {
    const candidates = await db
      .select({ id: blobs.id, key: blobs.key, state: blobs.state })
      .from(blobs)
      .where(
        and(
          inArray(blobs.state, ['pending', 'purging']),
          lt(blobs.createdAt, cutoff),
          eq(blobs.serviceName, storage.name),
          gt(blobs.id, after),
        ),
      )
      .orderBy(asc(blobs.id))
      .limit(batchSize);
    const last = candidates.at(-1);
    if (!last) break;
    after = last.id;
    // Blobs still claimed from a run whose deletion failed are tried again as they are.
    const claimed = [
      ...(await claimPendingBlobs(candidates.filter((blob) => blob.state === 'pending').map((blob) => blob.id))),
      ...candidates.filter((blob) => blob.state === 'purging'),
    ];
    for (const blob of claimed) {
      if (await deleteClaimed(storage, blob)) result.purged += 1;
      else result.failed += 1;
    }
  }

  for (;;) {
    const batch = await purgeExpiredUploads(storage, batchSize);
    result.expired += batch.purged;
    result.failed += batch.failed;
    if (batch.examined < batchSize) break;
  }

  for (;;) {
    const batch = await purgeAbandonedUploads({ limit: batchSize });
    result.abandoned += batch.purged;
    result.failed += batch.failed;
    // A batch that only failed (storage down) would be examined again and again.
    if (batch.examined < batchSize || batch.purged + batch.seen === 0) break;
  }
  await db.delete(pendingUploadBytes).where(lte(pendingUploadBytes.until, sql`now()`));
  if (storage.purgeInterruptedUploads) {
    result.temporaryFiles = await storage.purgeInterruptedUploads(new Date(Date.now() - abandonedUploadGraceSeconds * 1000));
  }
  return result;
}

/**
 * Deletes pending blobs whose token has expired, with or without an object: they no longer count
 * and can never be attached. Not before their upload URL has expired with its grace too, should
 * BLOB_TOKEN_EXPIRES_IN be the shorter: a PUT in flight would otherwise store an object with no row.
 */
async function purgeExpiredUploads(storage: StorageService, limit: number) {
  const db = await getDb();
  const candidates = await db
    .select({ id: blobs.id })
    .from(blobs)
    .where(
      and(
        eq(blobs.state, 'pending'),
        lte(blobs.countedUntil, sql`now()`),
        lt(blobs.createdAt, uploadUrlsExpiredBefore()),
        eq(blobs.serviceName, storage.name),
      ),
    )
    .orderBy(asc(blobs.countedUntil))
    .limit(limit);
  const outcome = { examined: candidates.length, purged: 0, failed: 0 };
  for (const blob of await claimPendingBlobs(candidates.map((candidate) => candidate.id))) {
    if (await deleteClaimed(storage, blob)) outcome.purged += 1;
    else outcome.failed += 1;
  }
  return outcome;
}

/** Blobs created before this have upload URLs that expired, grace included: no PUT is in flight. */
function uploadUrlsExpiredBefore() {
  return sql`now() - make_interval(secs => ${getEnv().UPLOAD_URL_EXPIRES_IN + abandonedUploadGraceSeconds}::int)`;
}

/**
 * Deletes pending blobs whose upload URL expired (plus the grace above) without any object in
 * storage: they can never be attached, and they count against the pending-upload ceilings. A blob
 * whose object is there is marked as seen and left to the age-based purge (its token may still
 * attach it). At most `limit` blobs are examined, oldest first, optionally of one client address.
 */
export async function purgeAbandonedUploads(options: { limit: number; clientAddress?: string }) {
  const db = await getDb();
  const storage = getStorage();
  const expiredBefore = uploadUrlsExpiredBefore();
  const candidates = await db
    .select({ id: blobs.id, key: blobs.key })
    .from(blobs)
    .where(
      and(
        eq(blobs.state, 'pending'),
        isNull(blobs.objectSeenAt),
        lt(blobs.createdAt, expiredBefore),
        eq(blobs.serviceName, storage.name),
        options.clientAddress === undefined ? undefined : eq(blobs.clientAddress, options.clientAddress),
      ),
    )
    .orderBy(asc(blobs.createdAt))
    .limit(options.limit);
  const outcome = { examined: candidates.length, purged: 0, seen: 0, failed: 0 };
  // A few HEAD requests at a time: enough to be quick, not enough to flood the storage.
  for (let start = 0; start < candidates.length; start += 8) {
    await Promise.all(
      candidates.slice(start, start + 8).map(async (blob) => {
        try {
          if (await storage.stat(blob.key)) {
            await db.update(blobs).set({ objectSeenAt: sql`now()` }).where(eq(blobs.id, blob.id));
            outcome.seen += 1;
            return;
          }
          const [claimed] = await claimPendingBlobs([blob.id]);
          if (claimed && (await deleteClaimed(storage, claimed))) outcome.purged += 1;
        } catch (error) {
          console.error(`purge: could not check blob ${blob.id}: ${summarizeError(error)}`);
          outcome.failed += 1;
        }
      }),
    );
  }
  return outcome;
}

/** The object first (a no-op when there is none), then the row, which stays claimed on failure. */
async function deleteClaimed(storage: StorageService, blob: { id: string; key: string }): Promise<boolean> {
  try {
    const db = await getDb();
    await storage.delete(blob.key);
    await db.delete(blobs).where(and(eq(blobs.id, blob.id), eq(blobs.state, 'purging')));
    return true;
  } catch (error) {
    console.error(`purge: could not delete blob ${blob.id}: ${summarizeError(error)}`);
    return false;
  }
}
