import 'server-only';
import { eq, sql } from 'drizzle-orm';
import { users } from '@/db/schema';
import { getDb } from '@/lib/database';
import type { AuditActor } from '@/lib/audit/actor';
import { recordAuditEvent } from '@/lib/audit/record-audit-event';
import { appError } from '@/lib/http/errors';

/** "Keep until <date>": retention skips the applicant through that day; null lifts the hold. */
export async function setHold(
  userId: string,
  keepUntil: string | null,
  actor: AuditActor,
): Promise<void> {
  const db = await getDb();
  await db.transaction(async (tx) => {
    const updated = await tx
      .update(users)
      .set({ keepUntil, updatedAt: sql`now()` })
      .where(eq(users.id, userId))
      .returning({ id: users.id });
    if (updated.length === 0) throw appError('not_found');
    await recordAuditEvent(actor, 'hold_set', userId, tx);
  });
}
