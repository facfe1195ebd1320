import 'server-only';
import { sql } from 'drizzle-orm';
import { getDb } from '@/lib/db';
import { blobs } from '@/db/schema';
import { preparedStatement } from '@/db/prepared';
import { getEnv } from '@/lib/env';
import { formatBytes } from '@/lib/format-bytes';
import { appError } from '@/lib/http/errors';
import { rateLimitHitCte, type RateLimitHit } from '@/lib/http/rate-limit';
import { purgeAbandonedUploads } from './purge-unattached';

// Abandoned uploads looked at, when a ceiling is reached, before refusing: bounded request cost.
const sweepLimit = 50;

/** The columns of a new pending blob (the rest are the table's defaults). */
export interface NewPendingBlob {
  key: string;
  filename: string;
  contentType: string;
  byteSize: number;
  checksum: string;
  metadata: Record<string, string>;
  serviceName: string;
  clientAddress: string;
}

const placeholder = (name: keyof NewPendingBlob | 'perClient' | 'total') => sql.placeholder(name);

type CeilingRow = { client: string | number; total: string | number; id: string | null; hit_count?: number; hit_retry_after?: number };

/**
 * Sums the bytes pending for this client address and in all, and inserts the blob only if it fits
 * under both ceilings (0: no ceiling), in one statement: one round trip for a presign, where a
 * measure and an insert were two. The sums are those before this blob. With `counting`, the same
 * statement counts the request's rate-limit hit first, and inserts nothing past the limit.
 */
function ceilingStatement(counting: boolean) {
  return preparedStatement<CeilingRow>(counting ? 'blobs_insert_within_ceilings_counted' : 'blobs_insert_within_ceilings', () => {
    const withinLimit = counting ? sql`and hit.count <= ${sql.placeholder('hitLimit')}::int` : sql``;
    return sql`
      with ${counting ? sql`${rateLimitHitCte()},` : sql``} pending as (
        select coalesce(sum(byte_size) filter (where client_address = ${placeholder('clientAddress')}::text), 0)::bigint as client,
               coalesce(sum(byte_size), 0)::bigint as total
        from ${blobs} where state = 'pending'
      ), inserted as (
        insert into ${blobs} (key, filename, content_type, byte_size, checksum, metadata, service_name, client_address)
        select ${placeholder('key')}::text, ${placeholder('filename')}::text, ${placeholder('contentType')}::text,
               ${placeholder('byteSize')}::bigint, ${placeholder('checksum')}::text, ${placeholder('metadata')}::jsonb,
               ${placeholder('serviceName')}::text, ${placeholder('clientAddress')}::text
        from pending ${counting ? sql`, hit` : sql``}
        where (${placeholder('perClient')}::bigint = 0 or pending.client + ${placeholder('byteSize')}::bigint <= ${placeholder('perClient')}::bigint)
          and (${placeholder('total')}::bigint = 0 or pending.total + ${placeholder('byteSize')}::bigint <= ${placeholder('total')}::bigint)
          ${withinLimit}
        returning id
      )
      select pending.client, pending.total, (select id from inserted) as id
        ${counting ? sql`, hit.count as hit_count, hit.retry_after as hit_retry_after` : sql``}
      from pending ${counting ? sql`, hit` : sql``}`;
  });
}

const insertWithinCeilings = ceilingStatement(false);
const countAndInsertWithinCeilings = ceilingStatement(true);

/**
 * Records a pending blob, within the ceilings on the bytes presigned and not attached (storage an
 * upload may fill), per client address and in all. At a ceiling, the expired uploads that never
 * received an object are swept first and the insert is tried once more, so that presigns without
 * uploads hold a ceiling only briefly. Concurrent presigns may overshoot by their own sizes.
 * `hit`: the request's rate-limit hit, counted by the first statement (past the limit: 429).
 */
export async function insertPendingBlob(blob: NewPendingBlob, hit: RateLimitHit | null = null): Promise<{ id: string }> {
  const env = getEnv();
  const perClient = env.PENDING_UPLOAD_BYTES_PER_CLIENT;
  const total = env.PENDING_UPLOAD_BYTES_TOTAL;
  const db = await getDb();
  const values = { ...blob, metadata: JSON.stringify(blob.metadata), perClient, total };
  const attempt = async (counting: RateLimitHit | null) => {
    const [row] = counting
      ? await countAndInsertWithinCeilings(db).execute({ ...values, ...counting.values, hitLimit: counting.limit })
      : await insertWithinCeilings(db).execute(values);
    if (!row) throw new Error('Inserting the blob returned no row');
    // Past the rate limit nothing was inserted: 429, whatever the ceilings say.
    if (counting) counting.record(row.hit_count, row.hit_retry_after);
    return { id: row.id, client: Number(row.client), total: Number(row.total) };
  };
  const overClient = (pending: { client: number }) => perClient > 0 && pending.client + blob.byteSize > perClient;
  const overTotal = (pending: { total: number }) => total > 0 && pending.total + blob.byteSize > total;

  let pending = await attempt(hit);
  if (pending.id) return { id: pending.id };
  await purgeAbandonedUploads({ limit: sweepLimit, clientAddress: overTotal(pending) ? undefined : blob.clientAddress });
  pending = await attempt(null);
  if (pending.id) return { id: pending.id };

  if (overClient(pending)) {
    throw appError('too_many_pending_uploads', {
      message:
        `Uploads from your network that were never used in an application already hold ${formatBytes(pending.client)}; ` +
        `the limit is ${formatBytes(perClient)}. Submit an application with a file you already uploaded, or try again later.`,
    });
  }
  throw appError('pending_uploads_full');
}
