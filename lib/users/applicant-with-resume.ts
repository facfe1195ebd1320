import 'server-only';
import { eq } from 'drizzle-orm';
import { getDb } from '@/lib/database';
import { attachments, blobs, users, type Blob, type User } from '@/db/schema';
import { isResumeOf } from '@/lib/blobs/resume';

/** An applicant and their resume's blob (null without one), or undefined when no such applicant. */
export async function findApplicantWithResume(userId: string): Promise<{ user: User; blob: Blob | null } | undefined> {
  const db = await getDb();
  const [row] = await db
    .select({ user: users, blob: blobs })
    .from(users)
    .leftJoin(attachments, isResumeOf(users.id))
    .leftJoin(blobs, eq(blobs.id, attachments.blobId))
    .where(eq(users.id, userId));
  return row;
}
