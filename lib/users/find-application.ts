import 'server-only';
import { and, eq } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { attachments, blobs, users } from '@/db/schema';
import { getEnv } from '@/lib/env';
import { getStorage } from '@/lib/storage';

/** An applicant's own application, with a fresh short-lived link to the resume. */
export async function findApplication(userId: string, publicOrigin: string) {
  const db = await getDb();
  const [row] = await db
    .select({ user: users, blob: blobs })
    .from(users)
    .leftJoin(attachments, and(eq(attachments.recordType, 'User'), eq(attachments.recordId, users.id), eq(attachments.name, 'resume')))
    .leftJoin(blobs, eq(blobs.id, attachments.blobId))
    .where(eq(users.id, userId));
  if (!row) return null;
  const resumeUrl = row.blob
    ? await getStorage(publicOrigin).getDownloadUrl(row.blob.key, {
        filename: row.blob.filename,
        contentType: row.blob.contentType,
        disposition: 'inline',
        expiresIn: getEnv().DOWNLOAD_URL_EXPIRES_IN,
      })
    : null;
  return { user: row.user, resume: row.blob ? { filename: row.blob.filename, byteSize: row.blob.byteSize, url: resumeUrl } : null };
}
