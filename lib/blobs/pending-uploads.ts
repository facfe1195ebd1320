import 'server-only';
import { eq, sql } from 'drizzle-orm';
import { getDb } from '@/lib/db';
import { blobs } from '@/db/schema';
import { getEnv } from '@/lib/env';
import { formatBytes } from '@/lib/format-bytes';
import { appError } from '@/lib/http/errors';
import { purgeAbandonedUploads } from './purge-unattached';

// Abandoned uploads looked at, when a ceiling is reached, before refusing: bounded request cost.
const sweepLimit = 50;

async function measurePendingBytes(clientAddress: string): Promise<{ client: number; total: number }> {
  const db = await getDb();
  const [row] = await db
    .select({
      client: sql<string>`coalesce(sum(${blobs.byteSize}) filter (where ${blobs.clientAddress} = ${clientAddress}), 0)`,
      total: sql<string>`coalesce(sum(${blobs.byteSize}), 0)`,
    })
    .from(blobs)
    .where(eq(blobs.state, 'pending'));
  return { client: Number(row?.client ?? 0), total: Number(row?.total ?? 0) };
}

/**
 * Presigning is cheap for the client but may leave an object in storage until the purge removes
 * it, so the bytes presigned and not attached are capped per client address and in all. At a
 * ceiling, the expired uploads that never received an object are swept first, so that presigns
 * without uploads hold a ceiling only briefly. Concurrent presigns may overshoot by their own sizes.
 */
export async function enforcePendingUploadCeilings(clientAddress: string, byteSize: number): Promise<void> {
  const env = getEnv();
  const perClient = env.PENDING_UPLOAD_BYTES_PER_CLIENT;
  const total = env.PENDING_UPLOAD_BYTES_TOTAL;
  if (perClient === 0 && total === 0) return;
  const overClient = (pending: { client: number }) => perClient > 0 && pending.client + byteSize > perClient;
  const overTotal = (pending: { total: number }) => total > 0 && pending.total + byteSize > total;

  let pending = await measurePendingBytes(clientAddress);
  if (!overClient(pending) && !overTotal(pending)) return;
  await purgeAbandonedUploads({ limit: sweepLimit, clientAddress: overTotal(pending) ? undefined : clientAddress });
  pending = await measurePendingBytes(clientAddress);

  if (overClient(pending)) {
    throw appError('too_many_pending_uploads', {
      message:
        `Uploads from your network that were never used in an application already hold ${formatBytes(pending.client)}; ` +
        `the limit is ${formatBytes(perClient)}. Submit an application with a file you already uploaded, or try again later.`,
    });
  }
  if (overTotal(pending)) {
    throw appError('pending_uploads_full');
  }
}
