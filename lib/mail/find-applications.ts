import 'server-only';
import { and, asc, eq, gte, lt } from 'drizzle-orm';
import { attachments, blobs, users } from '@/db/schema';
import { isResumeOf } from '@/lib/blobs/resume';
import { getDb } from '@/lib/database';

/** What the messages say about one application. */
export interface ApplicationForMail {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  createdAt: Date;
  /** The resume's file name and size; null without one (RESUME_REQUIRED=false). */
  filename: string | null;
  byteSize: number | null;
}

const columns = {
  id: users.id,
  email: users.email,
  firstName: users.firstName,
  lastName: users.lastName,
  createdAt: users.createdAt,
  filename: blobs.filename,
  byteSize: blobs.byteSize,
};

/** The application of `userId`, or null once it is gone (deleted or withdrawn): nothing to tell. */
export async function findApplicationForMail(userId: string): Promise<ApplicationForMail | null> {
  const db = await getDb();
  const [row] = await db
    .select(columns)
    .from(users)
    .leftJoin(attachments, isResumeOf(users.id))
    .leftJoin(blobs, eq(blobs.id, attachments.blobId))
    .where(eq(users.id, userId));
  return row ?? null;
}

/** The applications made in [from, to), oldest first (the recruiters' hourly digest), at most `limit`. */
export async function findApplicationsBetween(
  from: Date,
  to: Date,
  limit: number,
): Promise<ApplicationForMail[]> {
  const db = await getDb();
  return db
    .select(columns)
    .from(users)
    .leftJoin(attachments, isResumeOf(users.id))
    .leftJoin(blobs, eq(blobs.id, attachments.blobId))
    .where(and(gte(users.createdAt, from), lt(users.createdAt, to)))
    .orderBy(asc(users.createdAt), asc(users.id))
    .limit(limit);
}
