import 'server-only';
import { eq } from 'drizzle-orm';
import { getDb } from '@/lib/database';
import { attachments, blobs, users } from '@/db/schema';
import type { ApplicationResponse } from '@/lib/contract/application';
import { appError } from '@/lib/http/errors';
import { createResumeUrl, isResumeOf } from '@/lib/blobs/resume';
import { getStorage } from '@/lib/storage';
import { verifyConfirmationToken } from './confirmation-link';

/**
 * The application of a signed link, with a fresh short-lived link to the resume; 410 once it was
 * withdrawn, deleted or reached its retention (or while that is under way).
 */
export async function findApplication(token: string): Promise<ApplicationResponse> {
  const userId = await verifyConfirmationToken(token);
  const db = await getDb();
  const [row] = await db
    .select({ user: users, blob: blobs })
    .from(users)
    .leftJoin(attachments, isResumeOf(users.id))
    .leftJoin(blobs, eq(blobs.id, attachments.blobId))
    .where(eq(users.id, userId));
  if (!row || (row.blob && row.blob.state !== 'attached')) throw appError('application_gone');
  const { user, blob } = row;
  return {
    first_name: user.firstName,
    last_name: user.lastName,
    email: user.email,
    created_at: user.createdAt.toISOString(),
    resume: blob
      ? {
          filename: blob.filename,
          byte_size: blob.byteSize,
          url: await createResumeUrl(getStorage(), blob),
        }
      : null,
  };
}
