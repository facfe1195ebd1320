import 'server-only';
import { lt, sql } from 'drizzle-orm';
import { auditEvents } from '@/db/schema';
import { getDb } from '@/lib/database';
import { getEnv } from '@/lib/env';

/**
 * Deletes audit entries older than AUDIT_RETENTION_DAYS before `asOf` (never later than now: an
 * audit is not shortened by a date in the future). The table's trigger refuses any other deletion;
 * the cutoff set here, for this transaction only, is what it allows.
 */
export async function purgeAuditEvents(asOf = new Date()): Promise<number> {
  const db = await getDb();
  const from = Math.min(asOf.getTime(), Date.now());
  const cutoff = new Date(from - getEnv().AUDIT_RETENTION_DAYS * 24 * 3600_000);
  return db.transaction(async (tx) => {
    await tx.execute(
      sql`select set_config('resume_drop.audit_purge_before', ${cutoff.toISOString()}, true)`,
    );
    const deleted = await tx
      .delete(auditEvents)
      .where(lt(auditEvents.occurredAt, cutoff))
      .returning({ id: auditEvents.id });
    return deleted.length;
  });
}
