import 'server-only';
import { sql } from 'drizzle-orm';
import { findPgError } from '@/db/client';
import { getDb } from '@/lib/database';
import { preparedStatement } from '@/db/prepared';
import { attachments, blobs, users, type User } from '@/db/schema';
import { verifyBlobToken } from '@/lib/blobs/blob-token';
import { releasePendingBytesCte } from '@/lib/blobs/pending-upload-totals';
import { createResumeUrl, resumeAttachment } from '@/lib/blobs/resume';
import { alreadyAttached, verifyUploadedBlob, type UploadCandidate } from '@/lib/blobs/verify-upload';
import { appError } from '@/lib/http/errors';
import { analyzeResumeJob } from '@/lib/jobs/analyze-resume';
import { getEnv } from '@/lib/env';
import { getBoss } from '@/lib/jobs/boss';
import { sendJob } from '@/lib/jobs/send-job';
import { annotateRequestLog, currentRateLimitCount } from '@/lib/request-context';
import { queueApplicationMail } from '@/lib/mail/queue-application-mail';
import { getStorage } from '@/lib/storage';
import type { ApplicantRequest, ApplicantResponse } from '@/lib/contract/applicant';
import { getAcceptedFileTypes } from '@/lib/blobs/accepted-file-types';
import { describeFileTypes } from '@/lib/contract/file-types';

interface CreatedUserRow {
  id: string;
  email: string;
  first_name: string;
  last_name: string;
  created_at: Date | string;
}

interface LookupRow {
  email_taken: boolean;
  id: string | null;
  key: string | null;
  state: UploadCandidate['state'] | null;
  service_name: string | null;
  byte_size: string | number | null;
  checksum: string | null;
  filename: string | null;
  content_type: string | null;
}

const emailTaken = () =>
  appError('email_taken', { fields: { email: 'This email address has already applied.' } });

/** What an application needs to know before it writes, in one statement: the blob (if any) and whether the email has applied. */
const lookUp = preparedStatement<LookupRow>('applicant_lookup', () => sql`
  select exists (select 1 from ${users} where lower(${users}.email) = lower(${sql.placeholder('email')}::text)) as email_taken,
         b.id, b.key, b.state, b.service_name, b.byte_size, b.checksum, b.filename, b.content_type
  from (select 1) as one
  left join ${blobs} as b on b.id = ${sql.placeholder('blobId')}::uuid`);

/**
 * Claims the pending blob, then writes the user and the attachment only if the claim succeeded, in
 * one statement, so that a failure anywhere writes nothing. The blob's client address only served
 * the pending-upload ceilings, so it is cleared and its bytes leave the running totals.
 */
const createWithResume = preparedStatement<CreatedUserRow>(
  'users_create_with_resume',
  () => sql`
    with claimed as (
      update ${blobs} set state = 'attached', client_address = null
      where id = ${sql.placeholder('blobId')}::uuid and state = 'pending' returning id
    ), created as (
      insert into ${users} (email, first_name, last_name)
      select ${sql.placeholder('email')}::text, ${sql.placeholder('firstName')}::text, ${sql.placeholder('lastName')}::text from claimed
      returning id, email, first_name, last_name, created_at
    ), attached as (
      insert into ${attachments} (name, record_type, record_id, blob_id)
      select ${resumeAttachment.name}::text, ${resumeAttachment.recordType}::text, created.id, claimed.id from created, claimed
    ), ${releasePendingBytesCte(sql`claimed`)}
    select * from created`,
);

/**
 * Step 4 of the flow: verify the token and the stored bytes, then the email, then write the user
 * and the attachment in one statement, so a failure anywhere leaves nothing behind.
 */
export async function createApplicant(input: ApplicantRequest): Promise<ApplicantResponse> {
  // Before anything is looked up: without a verified upload, nothing may tell whether an address
  // has applied.
  if (!input.pdf && getEnv().RESUME_REQUIRED) {
    const types = describeFileTypes(getAcceptedFileTypes());
    throw appError('resume_required', { message: `Attach your resume (${types}) to apply.`, fields: { pdf: `Attach your resume (${types}).` } });
  }
  const db = await getDb();
  const storage = getStorage();
  const blobId = input.pdf ? await verifyBlobToken(input.pdf) : null;
  // Started before the transaction that sends the jobs: on PGlite, pg-boss's own statements could
  // not run while that transaction holds the one connection.
  await getBoss();
  if (blobId) annotateRequestLog({ blob_id: blobId });

  const [found] = await lookUp(db).execute({ email: input.email, blobId });
  if (!found) throw new Error('The applicant lookup returned no row');

  // The upload is verified before the email is looked at: otherwise any token, even of a file never
  // uploaded, would tell for free whether an address has applied (409 against 422).
  const blob = blobId ? await verifyUploadedBlob(db, storage, candidateOf(found)) : null;

  // Checked before writing for a clear answer; the unique index is what guarantees it.
  if (found.email_taken) throw emailTaken();

  let user: Pick<User, 'id' | 'email' | 'firstName' | 'lastName' | 'createdAt'>;
  try {
    const values = { email: input.email, firstName: input.first_name, lastName: input.last_name };
    if (blob) {
      // The analysis job and the emails commit with the attachment, or none does.
      const created = await db.transaction(async (tx) => {
        const [row] = await createWithResume(tx as unknown as typeof db).execute({ ...values, blobId: blob.id });
        if (!row) throw alreadyAttached();
        await sendJob(analyzeResumeJob, { blobId: blob.id }, { tx, singletonKey: blob.id, priority: analysisPriority(currentRateLimitCount()) });
        await queueApplicationMail(tx, row.id);
        return row;
      });
      user = {
        id: created.id,
        email: created.email,
        firstName: created.first_name,
        lastName: created.last_name,
        createdAt: new Date(created.created_at),
      };
    } else {
      user = await db.transaction(async (tx) => {
        const [created] = await tx.insert(users).values(values).returning();
        if (!created) throw new Error('Inserting the user returned no row');
        await queueApplicationMail(tx, created.id);
        return created;
      });
    }
  } catch (error) {
    const pgError = findPgError(error);
    if (pgError?.code === '23505') {
      throw pgError.constraint === 'users_email_lower_idx' ? emailTaken() : alreadyAttached();
    }
    throw error;
  }

  annotateRequestLog({ user_id: user.id });
  return {
    id: user.id,
    email: user.email,
    first_name: user.firstName,
    last_name: user.lastName,
    created_at: user.createdAt.toISOString(),
    resume_url: blob ? await createResumeUrl(storage, blob) : null,
  };
}

/**
 * Fairness between senders: an address's first application in the rate-limit window is analyzed
 * before its second, and so on, so one address sending many hostile files waits behind itself,
 * not others (pg-boss runs higher priorities first). Without rate limits, all are equal.
 */
function analysisPriority(rateLimitCount: number | undefined): number {
  return rateLimitCount === undefined ? 0 : -Math.min(rateLimitCount, 1000);
}

/** The blob columns of the lookup's row, or null when no blob has that id. */
function candidateOf(row: LookupRow): UploadCandidate | null {
  if (row.id === null || row.key === null || row.state === null || row.service_name === null || row.checksum === null || row.filename === null || row.content_type === null) return null;
  return {
    id: row.id,
    key: row.key,
    state: row.state,
    serviceName: row.service_name,
    byteSize: Number(row.byte_size),
    checksum: row.checksum,
    filename: row.filename,
    contentType: row.content_type,
  };
}
