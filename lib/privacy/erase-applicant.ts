import 'server-only';
import { and, eq } from 'drizzle-orm';
import { attachments, blobs, blobVariants, users, type AuditAction } from '@/db/schema';
import { getDb } from '@/lib/database';
import type { AuditActor } from '@/lib/audit/actor';
import { recordAuditEvent } from '@/lib/audit/record-audit-event';
import { isResumeOf } from '@/lib/blobs/resume';
import { getStorage } from '@/lib/storage';
import { variantsPrefixOf } from '@/lib/storage/keys';
import { applicantMailKey, applicantMailKinds } from '@/lib/jobs/send-mail';
import { dropQueuedJobs } from './drop-queued-jobs';

export type ErasureAction = Extract<AuditAction, 'deleted' | 'withdrawn' | 'retention_deleted'>;

/**
 * Erases an applicant with their resume, its objects, analysis and waiting jobs, and records
 * `action` in the audit trail. Objects go before rows, so that a storage failure leaves the rows
 * (claimed as `erasing`) for a later try rather than objects nothing points at. False when there
 * was no such applicant.
 */
export async function eraseApplicant(
  userId: string,
  action: ErasureAction,
  actor: AuditActor,
): Promise<boolean> {
  const db = await getDb();
  const claimed = await db.transaction(async (tx) => {
    const [user] = await tx
      .select({ id: users.id })
      .from(users)
      .where(eq(users.id, userId))
      .for('update');
    if (!user) return null;
    const [resume] = await tx
      .update(blobs)
      .set({ state: 'erasing' })
      .from(attachments)
      .where(and(eq(blobs.id, attachments.blobId), isResumeOf(userId)))
      .returning({ id: blobs.id, key: blobs.key });
    return { resume: resume ?? null };
  });
  if (!claimed) return false;
  const { resume } = claimed;

  // The analysis is keyed by the blob, the emails about the applicant by kind and applicant.
  const mail = applicantMailKinds.map((kind) => applicantMailKey(kind, userId));
  await dropQueuedJobs([userId, ...mail, ...(resume ? [resume.id] : [])]);
  if (resume) {
    const storage = getStorage();
    const recorded = await db
      .select({ key: blobVariants.key })
      .from(blobVariants)
      .where(eq(blobVariants.blobId, resume.id));
    for (const key of new Set([resume.key, ...recorded.map((variant) => variant.key)])) await storage.delete(key);
    // Every variant of the blob, recorded or not (one an analysis stored before it was stopped).
    await storage.deletePrefixed(variantsPrefixOf(resume.key));
  }

  return db.transaction(async (tx) => {
    if (resume) {
      await tx.delete(attachments).where(eq(attachments.blobId, resume.id));
      await tx.delete(blobs).where(eq(blobs.id, resume.id));
    }
    const deleted = await tx.delete(users).where(eq(users.id, userId)).returning({ id: users.id });
    if (deleted.length === 0) return false;
    await recordAuditEvent(actor, action, userId, tx);
    return true;
  });
}
