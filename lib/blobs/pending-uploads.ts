import 'server-only';
import { sql } from 'drizzle-orm';
import { getDb } from '@/lib/database';
import { blobs, pendingUploadBytes } from '@/db/schema';
import { preparedStatement } from '@/db/prepared';
import { getEnv } from '@/lib/env';
import { formatBytes } from '@/lib/format-bytes';
import { appError } from '@/lib/http/errors';
import { getStorage } from '@/lib/storage';
import { allClients } from './pending-upload-totals';
import { purgeAbandonedUploads } from './purge-unattached';

// Abandoned uploads looked at, when a ceiling is reached, before refusing: bounded request cost.
const sweepLimit = 50;

/**
 * Without PENDING_UPLOAD_BYTES_TOTAL, pending uploads on the disk service may take up to this share
 * of the free space. A bucket has no practical limit: on S3 there is no total ceiling by default,
 * so that no number of addresses can shut the door on everyone else.
 */
const diskShare = 0.5;

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

const placeholder = (name: keyof NewPendingBlob | 'perClient' | 'total' | 'tokenSeconds') => sql.placeholder(name);

type CeilingRow = { client: string | number; total: string | number; id: string | null };

/**
 * Until when a blob created now counts: past its token's expiry (after which nothing can attach
 * it), rounded up to a whole minute, at least one minute later so that a token signed a moment
 * after the insert, or by a clock slightly ahead, never outlives it. One row per scope and minute.
 */
const countedUntil = sql`date_trunc('minute', now() + make_interval(secs => ${placeholder('tokenSeconds')}::int + 60)) + interval '1 minute'`;

/**
 * Reads the running totals of this client address and of all (at most one row per minute of a
 * token's life each, whatever the number of pending uploads), inserts the blob only if it fits under
 * both ceilings (0: no ceiling) and adds its bytes to both totals, in one statement: one round trip
 * for a presign. The totals returned are those before this blob.
 */
const insertWithinCeilings = preparedStatement<CeilingRow>('blobs_insert_within_ceilings', () => sql`
    with pending as (
      select coalesce(sum(bytes) filter (where scope = ${placeholder('clientAddress')}::text), 0)::bigint as client,
             coalesce(sum(bytes) filter (where scope = ${allClients}), 0)::bigint as total
      from ${pendingUploadBytes}
      where scope in (${placeholder('clientAddress')}::text, ${allClients}) and until > now()
    ), inserted as (
      insert into ${blobs} (key, filename, content_type, byte_size, checksum, metadata, service_name, client_address, counted_until)
      select ${placeholder('key')}::text, ${placeholder('filename')}::text, ${placeholder('contentType')}::text,
             ${placeholder('byteSize')}::bigint, ${placeholder('checksum')}::text, ${placeholder('metadata')}::jsonb,
             ${placeholder('serviceName')}::text, ${placeholder('clientAddress')}::text, ${countedUntil}
      from pending
      where (${placeholder('perClient')}::bigint = 0 or pending.client + ${placeholder('byteSize')}::bigint <= ${placeholder('perClient')}::bigint)
        and (${placeholder('total')}::bigint = 0 or pending.total + ${placeholder('byteSize')}::bigint <= ${placeholder('total')}::bigint)
      returning id, byte_size, counted_until
    ), counted as (
      insert into ${pendingUploadBytes} (scope, until, bytes)
      select scopes.scope, inserted.counted_until, inserted.byte_size
      from inserted cross join (values (${placeholder('clientAddress')}::text), (${allClients})) as scopes(scope)
      on conflict (scope, until) do update set bytes = ${pendingUploadBytes}.bytes + excluded.bytes
    )
    select pending.client, pending.total, (select id from inserted) as id
    from pending`);

/** When the oldest bytes counted in `scope` stop counting: the Retry-After of a refusal. */
const nextRelease = preparedStatement<{ seconds: number | string | null }>(
  'pending_upload_bytes_next_release',
  () => sql`
    select ceil(extract(epoch from min(until) - now()))::int as seconds
    from ${pendingUploadBytes}
    where scope = ${sql.placeholder('scope')}::text and until > now() and bytes > 0`,
);

async function retryAfter(scope: string): Promise<Record<string, string>> {
  const [row] = await nextRelease(await getDb()).execute({ scope });
  return { 'Retry-After': String(Math.max(1, Number(row?.seconds ?? 60))) };
}

/**
 * The ceiling on pending bytes from all addresses: PENDING_UPLOAD_BYTES_TOTAL, or, unset, sized
 * from what it protects: a share of the disk service's free space, none on S3.
 */
async function totalCeiling(): Promise<number> {
  const configured = getEnv().PENDING_UPLOAD_BYTES_TOTAL;
  if (configured !== undefined) return configured;
  // Only a store whose free space is known and finite (the disk service's folder) says it.
  const storage = getStorage();
  if (!storage.freeBytes) return 0;
  // 0 means "no ceiling": a full disk must refuse instead.
  return Math.max(1, Math.floor((await storage.freeBytes()) * diskShare));
}

/**
 * Records a pending blob, within the ceilings on the bytes presigned and not attached (storage an
 * upload may fill), per client address and in all. A blob counts until its token expires, or until
 * it is attached, deleted or purged, whichever comes first. At a ceiling, the expired upload URLs
 * that never received an object are swept first and the insert is tried once more, so that presigns
 * without uploads hold a ceiling only briefly. Concurrent presigns may overshoot by their own sizes.
 */
export async function insertPendingBlob(blob: NewPendingBlob): Promise<{ id: string }> {
  const env = getEnv();
  const perClient = env.PENDING_UPLOAD_BYTES_PER_CLIENT;
  const total = await totalCeiling();
  const db = await getDb();
  const values = { ...blob, metadata: JSON.stringify(blob.metadata), perClient, total, tokenSeconds: env.BLOB_TOKEN_EXPIRES_IN };
  const attempt = async () => {
    const [row] = await insertWithinCeilings(db).execute(values);
    if (!row) throw new Error('Inserting the blob returned no row');
    return { id: row.id, client: Number(row.client), total: Number(row.total) };
  };
  const overClient = (pending: { client: number }) => perClient > 0 && pending.client + blob.byteSize > perClient;
  const overTotal = (pending: { total: number }) => total > 0 && pending.total + blob.byteSize > total;

  let pending = await attempt();
  if (pending.id) return { id: pending.id };
  await purgeAbandonedUploads({ limit: sweepLimit, clientAddress: overTotal(pending) ? undefined : blob.clientAddress });
  pending = await attempt();
  if (pending.id) return { id: pending.id };

  if (overClient(pending)) {
    throw appError('too_many_pending_uploads', {
      message:
        `Uploads from your network that were never used in an application already hold ${formatBytes(pending.client)}; ` +
        `the limit is ${formatBytes(perClient)}. Submit an application with a file you already uploaded, or try again later.`,
      headers: await retryAfter(blob.clientAddress),
    });
  }
  throw appError('pending_uploads_full', { headers: await retryAfter(allClients) });
}
