import 'server-only';
import { sql } from 'drizzle-orm';
import { findPgError } from '@/db/client';
import { getDb } from '@/lib/db';
import { attachments, blobs, users, type User } from '@/db/schema';
import { analyzeAfterResponse } from '@/lib/analysis/analyze-after-response';
import { verifyBlobToken } from '@/lib/blobs/blob-token';
import { createResumeUrl, resumeAttachment } from '@/lib/blobs/resume';
import { alreadyAttached, verifyUploadedBlob } from '@/lib/blobs/verify-upload';
import { appError } from '@/lib/http/errors';
import { annotateRequestLog } from '@/lib/request-context';
import { getStorage } from '@/lib/storage';
import type { ApplicantRequest, ApplicantResponse } from '@/lib/contract/applicant';

interface CreatedUserRow {
  id: string;
  email: string;
  first_name: string;
  last_name: string;
  created_at: Date | string;
}

const emailTaken = () =>
  appError('email_taken', { fields: { email: 'This email address has already applied.' } });

/**
 * Step 4 of the flow: verify the token and the stored bytes, then the email, then write the user
 * and the attachment in one statement, so a failure anywhere leaves nothing behind.
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

  let user: Pick<User, 'id' | 'email' | 'firstName' | 'lastName' | 'createdAt'>;
  try {
    // One statement, so atomic without BEGIN/COMMIT and one round trip instead of five: claim the
    // pending blob, write the user only if the claim succeeded, and the attachment with both.
    // A failure anywhere (email taken, blob attached meanwhile) writes nothing. The blob's client
    // address only served the pending-upload ceilings: it is not kept with the application.
    const values = { email: input.email, firstName: input.first_name, lastName: input.last_name };
    if (blob) {
      // Both drivers (pg and PGlite) answer raw statements as { rows }.
      const { rows } = (await db.execute(sql`
        with claimed as (
          update ${blobs} set state = 'attached', client_address = null
          where id = ${blob.id} and state = 'pending' returning id
        ), created as (
          insert into ${users} (email, first_name, last_name)
          select ${values.email}, ${values.firstName}, ${values.lastName} from claimed
          returning id, email, first_name, last_name, created_at
        ), attached as (
          insert into ${attachments} (name, record_type, record_id, blob_id)
          select ${resumeAttachment.name}, ${resumeAttachment.recordType}, created.id, claimed.id from created, claimed
        )
        select * from created`)) as unknown as { rows: CreatedUserRow[] };
      const [created] = rows;
      if (!created) throw alreadyAttached();
      user = {
        id: created.id,
        email: created.email,
        firstName: created.first_name,
        lastName: created.last_name,
        createdAt: new Date(created.created_at),
      };
    } else {
      const [created] = await db.insert(users).values(values).returning();
      if (!created) throw new Error('Inserting the user returned no row');
      user = created;
    }
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
