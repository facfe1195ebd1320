import 'server-only';
import { count, desc, eq, ilike, or, sql } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { attachments, blobs, users } from '@/db/schema';
import { createResumeUrl, isResumeOf } from '@/lib/blobs/resume';
import { notFound } from '@/lib/http/errors';
import { removeDisallowedCharacters } from '@/lib/plain-text';
import { getStorage } from '@/lib/storage';

export const applicantsPerPage = 20;

export interface ApplicantRow {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  createdAt: Date;
  filename: string | null;
  byteSize: number | null;
}

/** Newest first, 20 a page, filtered by a search over first name, last name, full name and email. */
export async function listApplicants(search: string, page: number): Promise<{ rows: ApplicantRow[]; total: number }> {
  const db = await getDb();
  // A NUL from the query string would be a database error (and a 500) rather than no match.
  const term = removeDisallowedCharacters(search).trim();
  const pattern = `%${term.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
  const where = term
    ? or(
        ilike(users.email, pattern),
        ilike(users.firstName, pattern),
        ilike(users.lastName, pattern),
        ilike(sql`${users.firstName} || ' ' || ${users.lastName}`, pattern),
      )
    : undefined;
  const [rows, [total]] = await Promise.all([
    db
      .select({
        id: users.id,
        email: users.email,
        firstName: users.firstName,
        lastName: users.lastName,
        createdAt: users.createdAt,
        filename: blobs.filename,
        byteSize: blobs.byteSize,
      })
      .from(users)
      .leftJoin(attachments, isResumeOf(users.id))
      .leftJoin(blobs, eq(blobs.id, attachments.blobId))
      .where(where)
      .orderBy(desc(users.createdAt), desc(users.id))
      .limit(applicantsPerPage)
      .offset((Math.max(1, page) - 1) * applicantsPerPage),
    db.select({ value: count() }).from(users).where(where),
  ]);
  return { rows, total: total?.value ?? 0 };
}

async function findResume(userId: string) {
  const db = await getDb();
  const [row] = await db
    .select({ blob: blobs, attachmentId: attachments.id })
    .from(attachments)
    .innerJoin(blobs, eq(blobs.id, attachments.blobId))
    .where(isResumeOf(userId));
  return row ?? null;
}

/** A fresh short-lived URL for an applicant's resume, made only when someone asks for it. */
export async function createResumeUrlFor(userId: string, publicOrigin: string): Promise<string> {
  const resume = await findResume(userId);
  if (!resume) throw notFound('not_found', 'This applicant has no resume.');
  return createResumeUrl(getStorage(publicOrigin), resume.blob);
}

/** Removes the applicant, the attachment and the blob row in one transaction, then the object. */
export async function deleteApplicant(userId: string, publicOrigin: string): Promise<void> {
  const db = await getDb();
  const resume = await findResume(userId);
  const deleted = await db.transaction(async (tx) => {
    if (resume) {
      await tx.delete(attachments).where(eq(attachments.id, resume.attachmentId));
      await tx.delete(blobs).where(eq(blobs.id, resume.blob.id));
    }
    return tx.delete(users).where(eq(users.id, userId)).returning({ id: users.id });
  });
  if (deleted.length === 0) throw notFound('not_found', 'This applicant does not exist.');
  // After the commit: a failed object delete leaves an unreferenced object, never a dangling row.
  if (resume) await getStorage(publicOrigin).delete(resume.blob.key);
}
