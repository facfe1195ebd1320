import 'server-only';
import { and, count, desc, eq, ilike, inArray, or, sql, type SQL } from 'drizzle-orm';
import { getDb } from '@/lib/database';
import type { Database } from '@/db/client';
import { attachments, blobs, blobVariants, searchConfig, users } from '@/db/schema';
import { createResumeUrl, isResumeOf } from '@/lib/blobs/resume';
import { maxSearchLength } from '@/lib/contract/applicant-search';
import { getEnv } from '@/lib/env';
import { appError } from '@/lib/http/errors';
import { removeDisallowedCharacters } from '@/lib/plain-text';
import { getStorage } from '@/lib/storage';
import type { AuditActor } from '@/lib/audit/actor';
import { recordAuditEvent } from '@/lib/audit/record-audit-event';
import { eraseApplicant } from '@/lib/privacy/erase-applicant';
import { toCsv } from './csv';
import { analyzeResumeJob } from '@/lib/jobs/analyze-resume';
import { runningJobKeys } from '@/lib/jobs/status';

export const applicantsPerPage = 20;

/** A piece of an excerpt; `highlighted` pieces are the words the search found. */
export interface ExcerptPart {
  text: string;
  highlighted: boolean;
}

export interface ApplicantRow {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  createdAt: Date;
  /** A recruiter's hold: retention keeps the applicant through this day (YYYY-MM-DD). */
  keepUntil: string | null;
  filename: string | null;
  /** Of the resume (lib/contract/file-types.ts): what kind of file it is, and whether it has a preview. */
  contentType: string | null;
  byteSize: number | null;
  pageCount: number | null;
  /**
   * Of the resume: `queued` then `analyzing` (its job waits, then runs); `failed` with a reason
   * when it could not be analyzed (`gave_up`: the queue's last attempt failed).
   */
  analysis: 'queued' | 'analyzing' | 'analyzed' | 'failed' | null;
  analysisError: string | null;
  preview: { width: number; height: number } | null;
  /** Where the search words were found in the resume, when they were. */
  excerpt: ExcerptPart[] | null;
}

const config = sql.raw(`'${searchConfig}'`);
// Control characters never occur in extracted text (the analyzer removes them): safe markers.
const highlightStart = '\u0002';
const highlightStop = '\u0003';
const headlineOptions = `StartSel=${highlightStart}, StopSel=${highlightStop}, MaxWords=24, MinWords=10, MaxFragments=2, FragmentDelimiter=" … "`;

interface Search {
  where: SQL | undefined;
  order: SQL[];
  query: SQL | null;
}

/**
 * Names and emails (substring, case-insensitive) or the text of the resume (Postgres full-text
 * search through the GIN index on `blobs.search_vector`). Name and email matches come first, then
 * resumes by rank, then newest.
 */
function buildSearch(search: string): Search {
  const newest = [desc(users.createdAt), desc(users.id)];
  // A NUL from the query string would be a database error (and a 500) rather than no match.
  const term = removeDisallowedCharacters(search).trim().slice(0, maxSearchLength);
  if (!term) return { where: undefined, order: newest, query: null };
  const pattern = `%${term.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
  const nameOrEmail = or(
    ilike(users.email, pattern),
    ilike(users.firstName, pattern),
    ilike(users.lastName, pattern),
    ilike(sql`${users.firstName} || ' ' || ${users.lastName}`, pattern),
  );
  const query = sql`websearch_to_tsquery(${config}, ${term})`;
  // A subquery, so that the index finds the matching resumes once rather than each row being tested.
  const resumeMatches = inArray(
    users.id,
    sql`(select ${attachments.recordId} from ${attachments} join ${blobs} on ${blobs.id} = ${attachments.blobId}
         where ${attachments.name} = 'resume' and ${blobs.searchVector} @@ ${query})`,
  );
  return {
    where: or(nameOrEmail, resumeMatches),
    order: [
      desc(sql`case when ${nameOrEmail} then 1 else 0 end`),
      desc(sql`coalesce(ts_rank(${blobs.searchVector}, ${query}), 0)`),
      ...newest,
    ],
    query,
  };
}

/**
 * Applicants matching a search, in its order, each with its resume and the resume's preview (left
 * joins: an applicant without one is still listed). The list and the CSV read these same rows.
 */
function applicantsMatching(db: Database, search: Search) {
  return db
    .select({
      id: users.id,
      email: users.email,
      firstName: users.firstName,
      lastName: users.lastName,
      createdAt: users.createdAt,
      keepUntil: users.keepUntil,
      blobId: blobs.id,
      filename: blobs.filename,
      contentType: blobs.contentType,
      byteSize: blobs.byteSize,
      pageCount: blobs.pageCount,
      analyzedAt: blobs.analyzedAt,
      analysisError: blobs.analysisError,
      previewWidth: blobVariants.width,
      previewHeight: blobVariants.height,
    })
    .from(users)
    .leftJoin(attachments, isResumeOf(users.id))
    .leftJoin(blobs, eq(blobs.id, attachments.blobId))
    .leftJoin(blobVariants, and(eq(blobVariants.blobId, blobs.id), eq(blobVariants.name, 'preview')))
    .where(search.where)
    .orderBy(...search.order)
    .$dynamic();
}

function splitExcerpt(headline: string): ExcerptPart[] {
  const parts: ExcerptPart[] = [];
  for (const [index, piece] of headline.split(new RegExp(`[${highlightStart}${highlightStop}]`)).entries()) {
    if (piece) parts.push({ text: piece, highlighted: index % 2 === 1 });
  }
  return parts;
}

function analysisState(blob: { filename: string | null; analyzedAt: Date | null; analysisError: string | null; running: boolean }) {
  if (blob.filename === null) return null;
  if (blob.analyzedAt === null) return blob.running ? ('analyzing' as const) : ('queued' as const);
  return blob.analysisError ? ('failed' as const) : ('analyzed' as const);
}

/** One page (20) of applicants matching `search`, with page counts, previews and excerpts. */
export async function listApplicants(search: string, page: number): Promise<{ rows: ApplicantRow[]; total: number }> {
  const db = await getDb();
  const matching = buildSearch(search);
  const { where, query } = matching;
  const [found, [total]] = await Promise.all([
    applicantsMatching(db, matching).limit(applicantsPerPage).offset((Math.max(1, page) - 1) * applicantsPerPage),
    db.select({ value: count() }).from(users).where(where),
  ]);
  // Excerpts only for the rows shown: ts_headline reads the whole text.
  const blobIds = found.flatMap((row) => (row.blobId ? [row.blobId] : []));
  const headlines = new Map<string, string>();
  if (query && blobIds.length > 0) {
    const rows = await db
      .select({ id: blobs.id, headline: sql<string>`ts_headline(${config}, ${blobs.extractedText}, ${query}, ${headlineOptions})` })
      .from(blobs)
      .where(and(inArray(blobs.id, blobIds), sql`${blobs.searchVector} @@ ${query}`));
    for (const row of rows) headlines.set(row.id, row.headline);
  }
  const waiting = found.flatMap((row) => (row.blobId && row.analyzedAt === null ? [row.blobId] : []));
  const running = await runningJobKeys(analyzeResumeJob.name, waiting);
  const rows = found.map(({ blobId, analyzedAt, previewWidth, previewHeight, ...row }): ApplicantRow => {
    const headline = blobId ? headlines.get(blobId) : undefined;
    return {
      ...row,
      analysis: analysisState({ filename: row.filename, analyzedAt, analysisError: row.analysisError, running: blobId !== null && running.has(blobId) }),
      preview: previewWidth !== null && previewHeight !== null ? { width: previewWidth, height: previewHeight } : null,
      excerpt: headline ? splitExcerpt(headline) : null,
    };
  });
  return { rows, total: total?.value ?? 0 };
}

/** Every applicant matching `search`, in the list's order, as CSV (formula cells neutralised). */
export async function exportApplicantsCsv(search: string, actor: AuditActor): Promise<string> {
  const rows = await applicantsMatching(await getDb(), buildSearch(search));
  await recordAuditEvent(actor, 'exported_csv', null);
  return toCsv(
    ['Name', 'Email', 'Submitted at (UTC)', 'File name', 'Pages'],
    rows.map((row) => [`${row.firstName} ${row.lastName}`, row.email, row.createdAt.toISOString(), row.filename, row.pageCount]),
  );
}

async function findResume(userId: string) {
  const db = await getDb();
  const [row] = await db
    .select({ blob: blobs, attachmentId: attachments.id })
    .from(attachments)
    .innerJoin(blobs, eq(blobs.id, attachments.blobId))
    .where(and(isResumeOf(userId), eq(blobs.state, 'attached')));
  return row ?? null;
}

/** A fresh short-lived URL for an applicant's resume, made only when someone asks for it. */
export async function createResumeUrlFor(userId: string, actor: AuditActor): Promise<string> {
  const resume = await findResume(userId);
  if (!resume) throw appError('not_found', { message: 'This applicant has no resume.' });
  await recordAuditEvent(actor, 'viewed_resume', userId);
  return createResumeUrl(getStorage(), resume.blob);
}

/** A fresh short-lived URL for the image of the first page of an applicant's resume. */
export async function createPreviewUrlFor(userId: string, actor: AuditActor): Promise<string> {
  const db = await getDb();
  const [preview] = await db
    .select({ key: blobVariants.key, contentType: blobVariants.contentType, filename: blobs.filename })
    .from(attachments)
    .innerJoin(blobs, eq(blobs.id, attachments.blobId))
    .innerJoin(blobVariants, and(eq(blobVariants.blobId, blobs.id), eq(blobVariants.name, 'preview')))
    .where(isResumeOf(userId));
  if (!preview) throw appError('not_found', { message: 'This applicant has no resume preview.' });
  await recordAuditEvent(actor, 'viewed_preview', userId);
  return getStorage().getDownloadUrl(preview.key, {
    filename: `${preview.filename.replace(/\.[^.]+$/, '')} (page 1).${preview.contentType.split('/')[1] ?? 'img'}`,
    contentType: preview.contentType,
    disposition: 'inline',
    expiresIn: getEnv().DOWNLOAD_URL_EXPIRES_IN,
  });
}

/**
 * The recruiter's "Delete": everything about the applicant, objects before rows
 * (lib/privacy/erase-applicant.ts), recorded in the audit trail.
 */
export async function deleteApplicant(userId: string, actor: AuditActor): Promise<void> {
  if (!(await eraseApplicant(userId, 'deleted', actor))) throw appError('not_found');
}
