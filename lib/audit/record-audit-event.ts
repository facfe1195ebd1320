import 'server-only';
import type { Database } from '@/db/client';
import { auditEvents, type AuditAction } from '@/db/schema';
import { getDb } from '@/lib/database';
import type { AuditActor } from './actor';

/**
 * Appends one entry to the audit trail. Pass the transaction of the change it records (a deletion,
 * a hold), so that the entry exists if and only if the change does.
 */
export async function recordAuditEvent(
  actor: AuditActor,
  action: AuditAction,
  applicantId: string | null,
  tx?: Pick<Database, 'insert'>,
): Promise<void> {
  await (tx ?? (await getDb())).insert(auditEvents).values({ ...actor, action, applicantId });
}
