import 'server-only';
import { and, eq, sql } from 'drizzle-orm';
import { findPgError, getDb } from '@/db/client';
import { attachments, blobs, users, type User } from '@/db/schema';
import { analyzeAfterResponse } from '@/lib/analysis/analyze-after-response';
import { verifyBlobToken } from '@/lib/blobs/blob-token';
import { createResumeUrl, resumeAttachment } from '@/lib/blobs/resume';
import { alreadyAttached, verifyUploadedBlob } from '@/lib/blobs/verify-upload';
import { appError } from '@/lib/http/errors';
import { annotateRequestLog } from '@/lib/request-context';
import { getStorage } from '@/lib/storage';
import type { ApplicantRequest, ApplicantResponse } from '@/lib/contract/applicant';

const emailTaken = () =>
  appError('email_taken', { fields: { email: 'This email address has already applied.' } });

/**
 * Step 4 of the flow: verify the token and the stored bytes, then the email, then write the user
 * and the attachment in one transaction, so a failure anywhere leaves nothing behind.
 */
export async function createApplicant(input: ApplicantRequest): Promise<ApplicantResponse> {
  const db = await getDb();
  const storage = getStorage();
  const blobId = input.pdf ? await verifyBlobToken(input.pdf) : null;
  if (blobId) annotateRequestLog({ blob_id: blobId });

  // The upload is verified before the email is looked at: otherwise any token, even of a file never
  // uploaded, would tell for free whether an address has applied (409 against 422).
  const blob = blobId ? await verifyUploadedBlob(db, storage, blobId) : null;

  // Checked before the transaction for a clear answer; the unique index is what guarantees it.
  const [existing] = await db
    .select({ id: users.id })
    .from(users)
    .where(sql`lower(${users.email}) = lower(${input.email})`);
  if (existing) throw emailTaken();

  let user: User;
  try {
    user = await db.transaction(async (tx) => {
      const [created] = await tx
        .insert(users)
        .values({ email: input.email, firstName: input.first_name, lastName: input.last_name })
        .returning();
      if (!created) throw new Error('Inserting the user returned no row');
      if (blob) {
        const claimed = await tx
          .update(blobs)
          // The client address only served the pending-upload ceilings: not kept with the application.
          .set({ state: 'attached', clientAddress: null })
          .where(and(eq(blobs.id, blob.id), eq(blobs.state, 'pending')))
          .returning({ id: blobs.id });
        if (claimed.length === 0) throw alreadyAttached();
        await tx.insert(attachments).values({ ...resumeAttachment, recordId: created.id, blobId: blob.id });
      }
      return created;
    });
  } catch (error) {
    const pgError = findPgError(error);
    if (pgError?.code === '23505') {
      throw pgError.constraint === 'users_email_lower_idx' ? emailTaken() : alreadyAttached();
    }
    throw error;
  }

  annotateRequestLog({ user_id: user.id });
  if (blob) analyzeAfterResponse(blob.id);
  return {
    id: user.id,
    email: user.email,
    first_name: user.firstName,
    last_name: user.lastName,
    created_at: user.createdAt.toISOString(),
    resume_url: blob ? await createResumeUrl(storage, blob) : null,
  };
}
