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
import { rateLimitHitCte, type RateLimitHit } from '@/lib/http/rate-limit';
import { analyzeResumeJob } from '@/lib/jobs/analyze-resume';
import { getEnv } from '@/lib/env';
import { getBoss } from '@/lib/jobs/boss';
import { sendJob } from '@/lib/jobs/send-job';
import { annotateRequestLog } from '@/lib/request-context';
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
  hit_count?: number;
  hit_retry_after?: number;
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

/**
 * What an application needs to know before it writes, in one statement: the blob (if any) and
 * whether the email has applied; with `counting`, it counts the request's rate-limit hit first.
 */
function lookupStatement(counting: boolean) {
  return preparedStatement<LookupRow>(counting ? 'applicant_lookup_counted' : 'applicant_lookup', () => sql`
    ${counting ? sql`with ${rateLimitHitCte()}` : sql``}
    select ${counting ? sql`hit.count as hit_count, hit.retry_after as hit_retry_after,` : sql``}
           exists (select 1 from ${users} where lower(${users}.email) = lower(${sql.placeholder('email')}::text)) as email_taken,
           b.id, b.key, b.state, b.service_name, b.byte_size, b.checksum, b.filename, b.content_type
    from ${counting ? sql`hit` : sql`(select 1) as one`}
    left join ${blobs} as b on b.id = ${sql.placeholder('blobId')}::uuid`);
}

const lookUp = lookupStatement(false);
const countAndLookUp = lookupStatement(true);

/**
 * Claims the pending blob, writes the user only if the claim succeeded, and the attachment with
 * both: one statement (one round trip instead of five), run in the transaction that also queues the
 * resume's analysis. A failure anywhere (email taken, blob attached meanwhile) writes nothing. The blob's client address only
 * served the pending-upload ceilings: it is not kept with the application, and its bytes leave the
 * running totals (`released`).
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
 * and the attachment in one statement, so a failure anywhere leaves nothing behind. `hit`, the
 * request's rate-limit hit, is counted by the first statement.
 */
export async function createApplicant(input: ApplicantRequest, hit: RateLimitHit | null = null): Promise<ApplicantResponse> {
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

  const lookupValues = { email: input.email, blobId };
  const [found] = hit ? await countAndLookUp(db).execute({ ...lookupValues, ...hit.values }) : await lookUp(db).execute(lookupValues);
  if (!found) throw new Error('The applicant lookup returned no row');
  hit?.record(found.hit_count, found.hit_retry_after);

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
        await sendJob(analyzeResumeJob, { blobId: blob.id }, { tx, singletonKey: blob.id, priority: analysisPriority(found.hit_count) });
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
function analysisPriority(hitCount: number | undefined): number {
  return hitCount === undefined ? 0 : -Math.min(Number(hitCount), 1000);
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
