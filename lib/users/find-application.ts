import 'server-only';
import { eq } from 'drizzle-orm';
import { getDb } from '@/lib/db';
import { attachments, blobs, users } from '@/db/schema';
import { createResumeUrl, isResumeOf } from '@/lib/blobs/resume';
import { getStorage } from '@/lib/storage';

/** An applicant's own application, with a fresh short-lived link to the resume. */
export async function findApplication(userId: string) {
  const db = await getDb();
  const [row] = await db
    .select({ user: users, blob: blobs })
    .from(users)
    .leftJoin(attachments, isResumeOf(users.id))
    .leftJoin(blobs, eq(blobs.id, attachments.blobId))
    .where(eq(users.id, userId));
  if (!row) return null;
  const resume = row.blob
    ? { filename: row.blob.filename, byteSize: row.blob.byteSize, url: await createResumeUrl(getStorage(), row.blob) }
    : null;
  return { user: row.user, resume };
}
