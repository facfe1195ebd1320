import 'server-only';
import { and, asc, eq, gt, inArray, lt } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { blobs } from '@/db/schema';
import { getEnv } from '@/lib/env';
import { getStorage } from '@/lib/storage';

export interface PurgeResult {
  purged: number;
  failed: number;
  olderThanHours: number;
}

const batchSize = 100;
const noId = '00000000-0000-0000-0000-000000000000';

/**
 * Deletes blobs never attached after `olderThanHours` (default UNATTACHED_BLOB_TTL_HOURS): the
 * object first, then the row. Each blob is first claimed (`purging`), which attaching refuses, so an
 * attached blob is never touched; a blob whose object could not be deleted stays claimed and is
 * retried by the next run. Safe to run concurrently and repeatedly.
 */
export async function purgeUnattachedBlobs(olderThanHours = getEnv().UNATTACHED_BLOB_TTL_HOURS): Promise<PurgeResult> {
  const db = await getDb();
  const storage = getStorage(getEnv().APP_URL ?? 'http://localhost');
  const cutoff = new Date(Date.now() - olderThanHours * 3600_000);
  const result: PurgeResult = { purged: 0, failed: 0, olderThanHours };
  let after = noId;
  for (;;) {
    const candidates = await db
      .select({ id: blobs.id })
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
    if (!last) return result;
    after = last.id;
    const claimed = await db
      .update(blobs)
      .set({ state: 'purging' })
      .where(and(inArray(blobs.id, candidates.map((candidate) => candidate.id)), inArray(blobs.state, ['pending', 'purging'])))
      .returning({ id: blobs.id, key: blobs.key });
    for (const blob of claimed) {
      try {
        await storage.delete(blob.key);
        await db.delete(blobs).where(and(eq(blobs.id, blob.id), eq(blobs.state, 'purging')));
        result.purged += 1;
      } catch (error) {
        console.error(`purge: could not delete blob ${blob.id}: ${(error as Error).message}`);
        result.failed += 1;
      }
    }
  }
}
