import { eq, sql } from 'drizzle-orm';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DELETE as deleteApplicantRoute } from '@/app/api/admin/applicants/[id]/route';
import { GET as previewRoute } from '@/app/api/admin/applicants/[id]/preview/route';
import { GET as exportRoute } from '@/app/api/admin/applicants/export/route';
import { POST as signIn } from '@/app/api/admin/session/route';
import { GET as healthRoute } from '@/app/api/health/route';
import { analyzeResumeJob } from '@/lib/jobs/analyze-resume';
import { getBoss } from '@/lib/jobs/boss';
import { deadLetterQueue } from '@/lib/jobs/define-job';
import { queueAnalysis } from '@/lib/jobs/queue-analysis';
import { getJobsStatus } from '@/lib/jobs/status';
import { getDb } from '@/lib/database';
import { attachments, blobs, blobVariants, users } from '@/db/schema';
import { deleteApplicant, listApplicants } from '@/lib/admin/applicants';
import { systemActor } from '@/lib/audit/actor';
import { analyzeBlob } from '@/lib/analysis/analyze-blob';
import { defaultLimits } from '@/lib/analysis/run-analysis-worker';
import { purgeUnattachedBlobs } from '@/lib/blobs/purge-unattached';
import { resetEnv } from '@/lib/env';
import { makePdf } from '../fixtures/pdf';
import {
  makeCompressionBomb,
  makeEncryptedPdf,
  makeFormatCharactersPdf,
  makeManyPagesPdf,
  makeRandomPdf,
  makeTextPdf,
  makeTruncatedPdf,
} from '../fixtures/pdf-documents';
import { applyWithResume, createUser, fileRequest, getObject, origin, presign, putObject } from '../support/api';
import { analysisJobsOf, runQueuedAnalyses } from '../support/jobs';
import { countRows, listStoredFiles } from '../support/state';

// These tests also send applications without a resume: the tutorial's optional `pdf`.
beforeAll(() => {
  process.env.RESUME_REQUIRED = 'false';
  resetEnv();
});

const password = 'correct horse battery staple';
const noParams = { params: Promise.resolve({}) };

async function apply(pdf: Buffer, email: string, name = 'Ada', filename = 'resume.pdf') {
  const created = await applyWithResume(pdf, { email, first_name: name, last_name: 'Tester' }, filename);
  expect(created.status).toBe(200);
  const db = await getDb();
  const [row] = await db.select().from(attachments).where(eq(attachments.recordId, created.body.id as string));
  return { userId: created.body.id as string, blobId: row!.blobId };
}

async function blobRow(id: string) {
  const db = await getDb();
  const [row] = await db.select().from(blobs).where(eq(blobs.id, id));
  return row;
}

async function adminCookie() {
  const response = await signIn(
    new Request(`${origin}/api/admin/session`, { method: 'POST', body: new URLSearchParams({ password }) }),
    noParams,
  );
  return /rd_admin=([^;]+)/.exec(response.headers.get('set-cookie') ?? '')?.[1] ?? '';
}

const isWebp = (bytes: Buffer) => bytes.subarray(0, 4).toString('latin1') === 'RIFF' && bytes.subarray(8, 12).toString('latin1') === 'WEBP';

const resume = makeTextPdf(
  [
    ['Grace Tester', 'Platform engineer', 'Ran Zanzibarite clusters for a payments company'],
    ['Page two: mentoring and hiring'],
    ['Page three: references on request'],
  ],
  { title: 'Curriculum vitae', author: 'Grace Tester', producer: 'tests', creationDate: 'D:20240102030405Z' },
);

describe('analysis of attached resumes', () => {
  beforeEach(() => {
    delete process.env.ANALYSIS_TIMEOUT_MS;
    process.env.ADMIN_PASSWORD = password;
    resetEnv();
  });
  afterEach(() => {
    delete process.env.ADMIN_PASSWORD;
    delete process.env.CRON_SECRET;
    resetEnv();
  });

  it('records the page count, metadata and text of a generated PDF, stores a preview, and makes the text searchable', async () => {
    const { blobId } = await apply(resume, 'grace@example.com', 'Grace', 'grace-cv.pdf');
    // Queued with the attach, analyzed when a worker gets to it.
    expect((await blobRow(blobId))?.analyzedAt).toBeNull();
    expect((await listApplicants('grace@example.com', 1)).rows[0]).toMatchObject({ analysis: 'queued', preview: null });

    const report = await analyzeBlob(blobId);
    expect(report).toMatchObject({ blobId, status: 'analyzed', pageCount: 3 });
    const row = await blobRow(blobId);
    expect(row).toMatchObject({ pageCount: 3, analysisError: null });
    expect(row?.analyzedAt).toBeInstanceOf(Date);
    expect(row?.pdfMetadata).toEqual({
      title: 'Curriculum vitae',
      author: 'Grace Tester',
      producer: 'tests',
      created_at: '2024-01-02T03:04:05.000Z',
    });
    expect(row?.extractedText).toContain('Ran Zanzibarite clusters for a payments company');
    expect(row?.extractedText).toContain('Page three: references on request');

    const db = await getDb();
    const [variant] = await db.select().from(blobVariants).where(eq(blobVariants.blobId, blobId));
    expect(variant).toMatchObject({ name: 'preview', key: `variants/${row!.key}/preview`, contentType: 'image/webp', width: 300 });
    expect((await listStoredFiles()).sort()).toEqual([
      `${row!.key.slice(0, 2)}/${row!.key.slice(2, 4)}/${row!.key}`,
      `variants/${row!.key.slice(0, 2)}/${row!.key.slice(2, 4)}/${row!.key}/preview`,
    ].sort());

    // Idempotent: analyzed once, then left alone.
    expect(await analyzeBlob(blobId)).toBeNull();

    await createUser({ email: 'other@example.com', first_name: 'Other', last_name: 'Person' });
    const found = await listApplicants('zanzibarite', 1);
    expect(found.total).toBe(1);
    expect(found.rows[0]).toMatchObject({ email: 'grace@example.com', pageCount: 3, analysis: 'analyzed', preview: { width: 300 } });
    expect(found.rows[0]?.excerpt?.filter((part) => part.highlighted).map((part) => part.text)).toEqual(['Zanzibarite']);
    // Stemmed: another form of the word finds it too; names and emails still match.
    expect((await listApplicants('clustering', 1)).rows.map((r) => r.email)).toEqual(['grace@example.com']);
    expect((await listApplicants('other@', 1)).rows.map((r) => r.email)).toEqual(['other@example.com']);
    expect((await listApplicants('nowhere-to-be-found', 1)).total).toBe(0);
  });

  it('stores extracted text and PDF metadata without bidirectional or other invisible format characters', async () => {
    // The text reads "invoice ~fdp.exe|" where `~` is U+202E and `|` U+200B (the font's ToUnicode);
    // PDF.js 5 itself drops those from text content, the metadata comes as the file has it.
    const pdf = makeFormatCharactersPdf('Qx invoice ~fdp.exe| paid', { title: 'cv\u202Efdp.exe', author: 'Ev\u200Be \u2066Hidden\u2069 \u00ADAuthor' });
    const { blobId } = await apply(pdf, 'bidi@example.com', 'Bidi');
    expect(await analyzeBlob(blobId)).toMatchObject({ status: 'analyzed' });
    const row = await blobRow(blobId);
    expect(row?.extractedText).toBe('Qx invoice fdp.exe paid');
    expect(row?.pdfMetadata).toMatchObject({ title: 'cvfdp.exe', author: 'Eve Hidden Author' });
    expect(JSON.stringify(row)).not.toMatch(/\p{Cf}/u);
    const found = await listApplicants('invoice', 1);
    expect(found.rows[0]?.excerpt?.map((part) => part.text).join('')).not.toMatch(/\p{Cf}/u);
  });

  it('ranks name and email matches first, then resumes by relevance', async () => {
    const { blobId: once } = await apply(makeTextPdf([['Rust once']]), 'once@example.com', 'Once');
    const { blobId: often } = await apply(makeTextPdf([['Rust Rust Rust, and more Rust']]), 'often@example.com', 'Often');
    await createUser({ email: 'rusty@example.com', first_name: 'Rust', last_name: 'Named' });
    await analyzeBlob(once);
    await analyzeBlob(often);
    expect((await listApplicants('rust', 1)).rows.map((row) => row.email)).toEqual([
      'rusty@example.com',
      'often@example.com',
      'once@example.com',
    ]);
  });

  it('the attach queues one analysis job in its own transaction; a worker analyzes it; blobs:analyze queues again', async () => {
    const first = await apply(makeTextPdf([['First resume']]), 'first@example.com');
    const second = await apply(makeTextPdf([['Second resume']]), 'second@example.com');
    await createUser({ email: 'noresume@example.com', first_name: 'No', last_name: 'Resume' });
    for (const { blobId } of [first, second]) {
      expect((await analysisJobsOf(blobId)).map((job) => [job.state, job.data])).toEqual([['created', { blobId }]]);
    }
    expect(await runQueuedAnalyses()).toEqual({ completed: 2, failed: 0, left: false });
    expect((await blobRow(first.blobId))?.extractedText).toBe('First resume');
    expect((await blobRow(second.blobId))?.pageCount).toBe(1);
    expect((await analysisJobsOf(first.blobId)).map((job) => job.state)).toEqual(['completed']);
    expect(await runQueuedAnalyses()).toEqual({ completed: 0, failed: 0, left: false });

    // npm run blobs:analyze: nothing unanalyzed; --retry-failed: no failure; --all: both again.
    expect(await queueAnalysis('unanalyzed')).toBe(0);
    expect(await queueAnalysis('failed')).toBe(0);
    expect(await queueAnalysis('all')).toBe(2);
    // A resume whose job waits already is not queued twice.
    expect(await queueAnalysis('unanalyzed')).toBe(0);
    expect((await blobRow(first.blobId))?.analyzedAt).toBeNull();
    expect(await runQueuedAnalyses()).toEqual({ completed: 2, failed: 0, left: false });
    expect((await blobRow(first.blobId))?.extractedText).toBe('First resume');
  });

  it('an attach that rolls back queues nothing: the job commits with the applicant or not at all', async () => {
    const db = await getDb();
    // Fails at COMMIT, after the attach and the job's insert have both run in the transaction.
    await db.execute(sql`create or replace function refuse_users() returns trigger language plpgsql as $$
      begin raise exception 'refused at commit'; end $$`);
    await db.execute(sql`create constraint trigger users_refused after insert on users deferrable initially deferred
      for each row execute function refuse_users()`);
    try {
      const pdf = makeTextPdf([['Rolled back']]);
      const created = await applyWithResume(pdf, { email: 'rollback@example.com', first_name: 'Roll', last_name: 'Back' });
      expect(created.status).toBe(500);
      expect(await countRows()).toEqual({ users: 0, blobs: 1, attachments: 0 });
      const [blob] = await db.select().from(blobs);
      expect(blob?.state).toBe('pending');
      expect(await analysisJobsOf(blob!.id)).toEqual([]);
    } finally {
      await db.execute(sql`drop trigger users_refused on users`);
      await db.execute(sql`drop function refuse_users()`);
    }
  });

  it('retries a failure worth retrying, then gives up: dead-lettered, recorded, shown, and never picked again', { timeout: 60_000 }, async () => {
    const { blobId } = await apply(makeTextPdf([['Slow to read']]), 'slow@example.com', 'Slow');
    // A ceiling no analysis can meet: each attempt times out, which is worth retrying.
    process.env.ANALYSIS_TIMEOUT_MS = '1';
    resetEnv();
    const db = await getDb();
    const boss = await getBoss();
    for (let attempt = 1; attempt <= 2; attempt += 1) {
      expect(await runQueuedAnalyses(), `attempt ${attempt}`).toEqual({ completed: 0, failed: 1, left: false });
      expect(await blobRow(blobId), `attempt ${attempt}`).toMatchObject({ analyzedAt: null });
      expect((await analysisJobsOf(blobId)).map((job) => job.state)).toEqual(['retry']);
      // The backoff's wait, skipped: the retry is due now.
      await db.execute(sql`update pgboss.job set start_after = now() where name = ${analyzeResumeJob.name} and state = 'retry'`);
    }
    // The third failure is the last: the job is dead-lettered, and its dead letter records it.
    expect(await runQueuedAnalyses()).toEqual({ completed: 0, failed: 1, left: false });
    const [job] = await analysisJobsOf(blobId);
    expect(job).toMatchObject({ state: 'failed', retryCount: 2 });
    expect(await blobRow(blobId)).toMatchObject({ analysisError: 'gave_up', analysisErrorMessage: 'Gave up after 3 tries (last: timeout).' });
    expect((await listApplicants('slow@example.com', 1)).rows[0]).toMatchObject({ analysis: 'failed', analysisError: 'gave_up' });
    const [dead] = await boss.findJobs(deadLetterQueue(analyzeResumeJob.name));
    expect(dead).toMatchObject({ state: 'completed', data: { blobId } });
    const status = await getJobsStatus();
    expect(status.find((queue) => queue.queue === analyzeResumeJob.name)).toMatchObject({ waiting: 0, active: 0, failed: 1, deadLettered: 1 });

    delete process.env.ANALYSIS_TIMEOUT_MS;
    resetEnv();
    expect(await runQueuedAnalyses()).toEqual({ completed: 0, failed: 0, left: false });
    // Asked for by hand, it is analyzed again.
    expect(await queueAnalysis('failed')).toBe(1);
    expect(await runQueuedAnalyses()).toEqual({ completed: 1, failed: 0, left: false });
    expect(await blobRow(blobId)).toMatchObject({ analysisError: null, extractedText: 'Slow to read' });
  });

  it('records each hostile file as a failure with its reason, within the ceiling, while the server keeps answering', { timeout: 120_000 }, async () => {
    const hostile: [string, Buffer, string, number | null][] = [
      ['truncated', makeTruncatedPdf(), 'invalid_pdf', null],
      ['random', makeRandomPdf(), 'invalid_pdf', null],
      ['encrypted', makeEncryptedPdf(['Secret resume']), 'encrypted', null],
      ['many-pages', makeManyPagesPdf(5000), 'too_many_pages', 5000],
      ['bomb', await makeCompressionBomb(1024), 'memory_limit', null],
    ];
    for (const [name, pdf, code, pageCount] of hostile) {
      const { userId, blobId } = await apply(pdf, `${name}@example.com`, name);

      // The server answers requests while the worker struggles with the file.
      const latencies: number[] = [];
      let analyzing = true;
      const probe = (async () => {
        while (analyzing) {
          const started = performance.now();
          const health = await healthRoute(new Request(`${origin}/api/health`), noParams);
          expect(health.status).toBe(200);
          latencies.push(performance.now() - started);
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      })();
      const report = await analyzeBlob(blobId);
      analyzing = false;
      await probe;

      expect(report, name).toMatchObject({ status: 'failed', error: code, pageCount });
      expect(report!.durationMs, name).toBeLessThan(defaultLimits.timeoutMs);
      // Memory is sampled every 20 ms, so the watch may see a little more than the ceiling.
      expect(report!.peakRssGrowthBytes, name).toBeLessThan((defaultLimits.memoryMb + 128) * 1024 * 1024);
      expect(latencies.length, name).toBeGreaterThan(0);
      expect(Math.max(...latencies), name).toBeLessThan(1000);

      const row = await blobRow(blobId);
      expect(row, name).toMatchObject({ analysisError: code, pageCount, extractedText: null, state: 'attached' });
      expect(row?.analysisErrorMessage, name).toBeTruthy();
      expect(row?.analyzedAt, name).toBeInstanceOf(Date);
      // The application is kept, without a preview.
      const db = await getDb();
      expect(await db.select().from(users).where(eq(users.id, userId))).toHaveLength(1);
      expect(await db.select().from(blobVariants).where(eq(blobVariants.blobId, blobId))).toEqual([]);
      expect((await listApplicants(`${name}@example.com`, 1)).rows[0]).toMatchObject({ analysis: 'failed', analysisError: code, preview: null });
    }
    // Recorded on the first attempt: nothing is retried.
    expect(await runQueuedAnalyses()).toEqual({ completed: hostile.length, failed: 0, left: false });
    expect(await queueAnalysis('failed')).toBe(hostile.length);
  });

  it('serves the preview through a fresh signed URL, and deleting the applicant deletes the preview object too', async () => {
    const { userId, blobId } = await apply(resume, 'grace@example.com', 'Grace');
    await analyzeBlob(blobId);
    expect(await listStoredFiles()).toHaveLength(2);
    const call = (handler: typeof previewRoute, method: string, cookie?: string) =>
      handler(new Request(`${origin}/api/admin/applicants/${userId}`, { method, headers: cookie ? { Cookie: `rd_admin=${cookie}` } : {} }), {
        params: Promise.resolve({ id: userId }),
      });
    expect((await call(previewRoute, 'GET')).status).toBe(401);
    const cookie = await adminCookie();
    const preview = await call(previewRoute, 'GET', cookie);
    expect(preview.status).toBe(302);
    const image = await getObject(preview.headers.get('location')!);
    expect(image.headers.get('content-type')).toBe('image/webp');
    expect(isWebp(Buffer.from(await image.arrayBuffer()))).toBe(true);

    expect((await call(deleteApplicantRoute, 'DELETE', cookie)).status).toBe(200);
    expect(await listStoredFiles()).toEqual([]);
    const db = await getDb();
    expect(await db.select().from(blobVariants)).toEqual([]);
    expect(await countRows()).toEqual({ users: 0, blobs: 0, attachments: 0 });
    expect((await call(previewRoute, 'GET', cookie)).status).toBe(404);
  });

  it('leaves no preview behind when the applicant is deleted while the resume is analyzed', async () => {
    const { userId, blobId } = await apply(resume, 'grace@example.com', 'Grace');
    const analysis = analyzeBlob(blobId);
    await deleteApplicant(userId, systemActor);
    expect(await analysis).toBeNull();
    expect(await listStoredFiles()).toEqual([]);
    expect(await countRows()).toEqual({ users: 0, blobs: 0, attachments: 0 });
  });

  it('the purge never touches previews of attached blobs', async () => {
    const { blobId } = await apply(resume, 'grace@example.com', 'Grace');
    await analyzeBlob(blobId);
    const pdf = makePdf('Never attached');
    const upload = await presign(fileRequest(pdf));
    await putObject(upload.body.direct_upload.url, upload.body.direct_upload.headers, pdf);
    const db = await getDb();
    await db.update(blobs).set({ createdAt: sql`now() - interval '500 hours'` });

    const before = (await listStoredFiles()).sort();
    expect(before).toHaveLength(3);
    expect(await purgeUnattachedBlobs()).toEqual({ purged: 1, expired: 0, abandoned: 0, temporaryFiles: 0, failed: 0, olderThanHours: 48 });
    const after = (await listStoredFiles()).sort();
    expect(after).toHaveLength(2);
    expect(after.filter((file) => file.startsWith('variants/'))).toHaveLength(1);
    expect(await db.select().from(blobVariants)).toHaveLength(1);
  });

  it('exports the current search as CSV with formula cells neutralised', async () => {
    const { blobId } = await apply(resume, 'grace@example.com', '=HYPERLINK("http://evil.example","x")', 'cv, "final".pdf');
    await analyzeBlob(blobId);
    await createUser({ email: 'plain@example.com', first_name: '+Plain', last_name: 'Person' });
    const cookie = await adminCookie();
    const exportCsv = (query: string, withCookie = true) =>
      exportRoute(
        new Request(`${origin}/api/admin/applicants/export?${new URLSearchParams({ q: query })}`, {
          headers: withCookie ? { Cookie: `rd_admin=${cookie}` } : {},
        }),
        noParams,
      );
    expect((await exportCsv('', false)).status).toBe(401);

    const response = await exportCsv('zanzibarite');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="applicants-\d{4}-\d{2}-\d{2}\.csv"/);
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(bytes.subarray(0, 3).toString('hex')).toBe('efbbbf');
    const lines = bytes.subarray(3).toString('utf8').split('\r\n');
    expect(lines[0]).toBe('Name,Email,Submitted at (UTC),File name,Pages');
    expect(lines[1]).toMatch(
      /^"'=HYPERLINK\(""http:\/\/evil\.example"",""x""\) Tester",grace@example\.com,\d{4}-\d{2}-\d{2}T[\d:.]+Z,"cv, ""final"".pdf",3$/,
    );
    expect(lines.slice(2)).toEqual(['']);

    const everyone = (await (await exportCsv('')).text()).split('\r\n');
    expect(everyone).toHaveLength(4);
    expect(everyone[1]).toMatch(/^'\+Plain Person,plain@example\.com,[^,]+,,$/);
  });
});
