import 'server-only';
import { and, count, desc, eq, type SQL } from 'drizzle-orm';
import { auditEvents, type AuditAction, type AuditEvent } from '@/db/schema';
import { getDb } from '@/lib/database';

export const auditEventsPerPage = 50;

export interface AuditFilter {
  action?: AuditAction;
  applicantId?: string;
}

function whereOf(filter: AuditFilter): SQL | undefined {
  return and(
    filter.action ? eq(auditEvents.action, filter.action) : undefined,
    filter.applicantId ? eq(auditEvents.applicantId, filter.applicantId) : undefined,
  );
}

/** One page of the audit trail, newest first, with the number of entries matching the filter. */
export async function listAuditEvents(
  filter: AuditFilter,
  page: number,
): Promise<{ rows: AuditEvent[]; total: number }> {
  const db = await getDb();
  const where = whereOf(filter);
  const [rows, [total]] = await Promise.all([
    db
      .select()
      .from(auditEvents)
      .where(where)
      .orderBy(desc(auditEvents.occurredAt), desc(auditEvents.id))
      .limit(auditEventsPerPage)
      .offset((Math.max(1, page) - 1) * auditEventsPerPage),
    db.select({ value: count() }).from(auditEvents).where(where),
  ]);
  return { rows, total: total?.value ?? 0 };
}

/** Every entry about one applicant, oldest first (for their data download). */
export async function auditEventsOf(applicantId: string): Promise<AuditEvent[]> {
  const db = await getDb();
  return db
    .select()
    .from(auditEvents)
    .where(eq(auditEvents.applicantId, applicantId))
    .orderBy(auditEvents.occurredAt, auditEvents.id);
}
