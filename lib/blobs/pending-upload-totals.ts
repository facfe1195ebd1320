import 'server-only';
import { sql, type SQL } from 'drizzle-orm';
import { getDb } from '@/lib/database';
import { blobs, pendingUploadBytes } from '@/db/schema';
import { preparedStatement } from '@/db/prepared';

/** The scope of the running total of all addresses together (a client address is never `*`). */
export const allClients = '*';

/**
 * `released as (...)`: takes the bytes of the blobs that `claimed` (a CTE returning the `id` of each
 * blob the statement moved out of `pending`) off the running totals. Every way out of `pending` (the
 * attach, the purge, DELETE /api/direct-uploads/<token>) goes through it, so the totals cannot drift.
 */
export function releasePendingBytesCte(claimed: SQL): SQL {
  return sql`released as (
    update ${pendingUploadBytes} as totals set bytes = totals.bytes - gone.bytes
    from (
      select scopes.scope, b.counted_until as until, sum(b.byte_size)::bigint as bytes
      from ${blobs} as b
      join ${claimed} as c on c.id = b.id
      cross join lateral (values (b.client_address), (${allClients}::text)) as scopes(scope)
      where b.counted_until is not null
      group by scopes.scope, b.counted_until
    ) as gone
    where totals.scope = gone.scope and totals.until = gone.until
  )`;
}

/**
 * Claims pending blobs for deletion (`purging`: attaching refuses them) and takes their bytes off
 * the totals, in one statement. Returns the blobs this call claimed; a blob attached or claimed
 * meanwhile is not among them.
 */
const claimPending = preparedStatement<{ id: string; key: string }>(
  'blobs_claim_pending',
  () => sql`
    with claimed as (
      update ${blobs} set state = 'purging'
      where id = any(${sql.placeholder('ids')}::uuid[]) and state = 'pending'
      returning id, key
    ), ${releasePendingBytesCte(sql`claimed`)}
    select id, key from claimed`,
);

export async function claimPendingBlobs(ids: string[]): Promise<{ id: string; key: string }[]> {
  if (ids.length === 0) return [];
  return claimPending(await getDb()).execute({ ids });
}
