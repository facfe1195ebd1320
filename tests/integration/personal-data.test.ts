import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { unzipSync } from 'fflate';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { GET as dataRoute } from '@/app/api/admin/applicants/[id]/data/route';
import { PUT as holdRoute } from '@/app/api/admin/applicants/[id]/hold/route';
import { GET as previewRoute } from '@/app/api/admin/applicants/[id]/preview/route';
import { GET as resumeRoute } from '@/app/api/admin/applicants/[id]/resume/route';
import { DELETE as deleteRoute } from '@/app/api/admin/applicants/[id]/route';
import { GET as exportRoute } from '@/app/api/admin/applicants/export/route';
import { POST as signIn } from '@/app/api/admin/session/route';
import { POST as viewRoute } from '@/app/api/applications/view/route';
import { POST as withdrawRoute } from '@/app/api/applications/withdraw/route';
import { GET as oldLinkRoute } from '@/app/applications/[token]/route';
import { attachments, auditEvents, blobs, blobVariants, users } from '@/db/schema';
import { listApplicants } from '@/lib/admin/applicants';
import { listAuditEvents } from '@/lib/audit/list-audit-events';
import { getDb } from '@/lib/database';
import { resetEnv } from '@/lib/env';
import { analyzeResumeJob } from '@/lib/jobs/analyze-resume';
import { applyRetentionJob } from '@/lib/jobs/apply-retention';
import { getBoss, setJobsRole } from '@/lib/jobs/boss';
import { sendJob } from '@/lib/jobs/send-job';
import { applyRetention } from '@/lib/privacy/retention';
import { signToken } from '@/lib/signed-token';
import { getStorage } from '@/lib/storage';
import { DiskStorageService } from '@/lib/storage/disk';
import { variantKey } from '@/lib/storage/keys';
import { makePdf } from '../fixtures/pdf';
import { makeTextPdf } from '../fixtures/pdf-documents';
import { applyWithResume, getObject, jsonRequest, origin } from '../support/api';
import { analysisJobsOf, runQueuedAnalyses, runQueuedJobs } from '../support/jobs';
import { countRows, expectConsistent, listStoredFiles } from '../support/state';

const password = 'correct horse battery staple';
const noParams = { params: Promise.resolve({}) };
// A word only the resume holds: a search finds it through the extracted text alone.
const resumeWord = 'Quetzalcoatlite';
const resume = makeTextPdf(
  [['Grace Tester', `Ran ${resumeWord} clusters for a payments company`], ['Page two']],
  { title: 'CV' },
);

async function apply(email: string) {
  const created = await applyWithResume(resume, {
    email,
    first_name: 'Grace',
    last_name: 'Tester',
  });
  expect(created.status).toBe(200);
  const db = await getDb();
  const [row] = await db
    .select()
    .from(attachments)
    .where(eq(attachments.recordId, created.body.id as string));
  const token = created.headers.get('confirmation-location')!.split('#')[1]!;
  return {
    userId: created.body.id as string,
    blobId: row!.blobId,
    token,
    resumeUrl: created.body.resume_url as string,
  };
}

async function post(
  handler: typeof viewRoute,
  body: unknown,
  headers: Record<string, string> = {},
) {
  const response = await handler(
    jsonRequest('/api/applications', body, { 'X-Forwarded-For': '203.0.113.7', ...headers }),
    noParams as never,
  );
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

async function adminCookie() {
  const response = await signIn(
    new Request(`${origin}/api/admin/session`, {
      method: 'POST',
      body: new URLSearchParams({ password }),
      headers: { 'X-Forwarded-For': '198.51.100.4' },
    }),
    noParams,
  );
  return /rd_admin=([^;]+)/.exec(response.headers.get('set-cookie') ?? '')?.[1] ?? '';
}

function adminRequest(cookie: string, pathname: string, init: RequestInit = {}) {
  return new Request(`${origin}${pathname}`, {
    ...init,
    headers: {
      Cookie: `rd_admin=${cookie}`,
      'X-Forwarded-For': '198.51.100.4',
      ...(init.headers as Record<string, string>),
    },
  });
}

const idParams = (id: string) => ({ params: Promise.resolve({ id }) });

/** Every trace of an application: rows, variant rows, files in the storage folder, search hits. */
async function expectNothingLeft() {
  expect(await countRows()).toEqual({ users: 0, blobs: 0, attachments: 0 });
  const db = await getDb();
  expect(await db.select().from(blobVariants)).toEqual([]);
  expect(await listStoredFiles()).toEqual([]);
  expect((await listApplicants(resumeWord, 1)).total).toBe(0);
}

async function auditActions(applicantId?: string) {
  const { rows } = await listAuditEvents({ applicantId }, 1);
  return rows.map((row) => row.action);
}

describe('personal data', () => {
  beforeEach(() => {
    process.env.ADMIN_PASSWORD = password;
    resetEnv();
  });
  afterEach(() => {
    delete process.env.ADMIN_PASSWORD;
    delete process.env.RETENTION_DAYS;
    resetEnv();
  });

  describe('withdrawal by the applicant', () => {
    it('shows what is stored, then deletes every row, object, variant and search entry at once; the second time it is already gone', async () => {
      const { userId, token, resumeUrl } = await apply('grace@example.com');
      expect(await runQueuedAnalyses()).toMatchObject({ completed: 1, failed: 0 });
      expect(await listStoredFiles()).toHaveLength(2); // the resume and its preview
      expect((await listApplicants(resumeWord, 1)).total).toBe(1);

      const shown = await post(viewRoute, { token });
      expect(shown.status).toBe(200);
      expect(shown.body).toMatchObject({
        first_name: 'Grace',
        last_name: 'Tester',
        email: 'grace@example.com',
        resume: { filename: 'resume.pdf', byte_size: resume.length },
      });

      const withdrawn = await post(withdrawRoute, { token });
      expect(withdrawn).toEqual({ status: 200, body: { withdrawn: true } });
      await expectNothingLeft();
      // The signed resume link of a deleted application answers 4xx.
      expect((await getObject(resumeUrl)).status).toBe(404);

      const again = await post(withdrawRoute, { token });
      expect(again.status).toBe(410);
      expect(again.body.error.code).toBe('application_gone');
      expect(again.body.error.message).toMatch(/already been withdrawn/);
      expect((await post(viewRoute, { token })).status).toBe(410);

      const db = await getDb();
      const [entry] = await db
        .select()
        .from(auditEvents)
        .where(eq(auditEvents.applicantId, userId));
      expect(entry).toMatchObject({
        actor: 'applicant',
        action: 'withdrawn',
        clientAddress: '203.0.113.7',
        actorSession: null,
      });
    });

    it('refuses forged, expired and other-purpose tokens with a 4xx and deletes nothing', async () => {
      const { userId, token } = await apply('grace@example.com');
      const [header, payload] = token.split('.');
      const cases: [string, string][] = [
        [`${header}.${payload}.${'A'.repeat(43)}`, 'invalid_application_link'],
        [await signToken('applicant_view', { sub: userId }, -60), 'application_link_expired'],
        [await signToken('blob_id', { sub: userId }, 3600), 'invalid_application_link'],
        [await signToken('disk_download', { sub: userId }, 3600), 'invalid_application_link'],
        ['not-a-token', 'invalid_application_link'],
      ];
      for (const [bad, code] of cases) {
        for (const handler of [withdrawRoute, viewRoute]) {
          const answer = await post(handler, { token: bad });
          expect({ status: answer.status, code: answer.body.error.code }).toEqual({
            status: 403,
            code,
          });
        }
      }
      expect((await post(withdrawRoute, {})).status).toBe(400);
      const plain = await withdrawRoute(
        new Request(`${origin}/api/applications/withdraw`, {
          method: 'POST',
          body: `token=${token}`,
        }),
        noParams as never,
      );
      expect(plain.status).toBe(415);
      expect(await countRows()).toEqual({ users: 1, blobs: 1, attachments: 1 });
      expect(await listStoredFiles()).toHaveLength(1);
      expect(await auditActions()).toEqual([]);
      await expectConsistent();
    });

    it('takes old links with the token in the path to the page with the token in the fragment', async () => {
      const { token } = await apply('grace@example.com');
      const response = await oldLinkRoute(new Request(`${origin}/applications/${token}`), {
        params: Promise.resolve({ token }),
      });
      expect(response.status).toBe(307);
      expect(response.headers.get('location')).toBe(`${origin}/applications#${token}`);
    });

    it('drops the queued analysis job: it never runs, and nothing is left', async () => {
      const { blobId, token } = await apply('grace@example.com');
      expect(await analysisJobsOf(blobId)).toHaveLength(1);
      expect((await post(withdrawRoute, { token })).status).toBe(200);
      expect(await analysisJobsOf(blobId)).toEqual([]);
      expect(await runQueuedAnalyses()).toEqual({ completed: 0, failed: 0, left: false });
      await expectNothingLeft();
    });

    it('lets the running analysis job find nothing and complete, leaving no preview object', async () => {
      const { blobId, token } = await apply('grace@example.com');
      const work = runQueuedAnalyses();
      // Withdraw once the job is claimed (running), before it records its results.
      for (let tries = 0; tries < 500; tries += 1) {
        const [job] = await analysisJobsOf(blobId);
        if (job?.state === 'active') break;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      expect((await analysisJobsOf(blobId))[0]?.state).toBe('active');
      expect((await post(withdrawRoute, { token })).status).toBe(200);
      expect(await work).toEqual({ completed: 1, failed: 0, left: false });
      await expectNothingLeft();
      const boss = await getBoss();
      expect((await boss.findJobs(analyzeResumeJob.name, { key: blobId }))[0]?.state).toBe(
        'completed',
      );
    });

    it('removes waiting jobs of any queue keyed by the applicant, such as an email about them', async () => {
      const { userId, token } = await apply('grace@example.com');
      const boss = await getBoss();
      // A job of another queue with the applicant's id as its singleton key (issue 21's emails are).
      await boss.send(
        analyzeResumeJob.name,
        { blobId: userId },
        { singletonKey: userId, startAfter: 3600 },
      );
      expect(await boss.findJobs(analyzeResumeJob.name, { key: userId })).toHaveLength(1);
      expect((await post(withdrawRoute, { token })).status).toBe(200);
      expect(await boss.findJobs(analyzeResumeJob.name, { key: userId })).toEqual([]);
    });
  });

  describe('retention', () => {
    async function age(userId: string, days: number) {
      const db = await getDb();
      await db
        .update(users)
        .set({ createdAt: sql`now() - make_interval(days => ${days})` })
        .where(eq(users.id, userId));
    }

    it('deletes applicants older than RETENTION_DAYS, but those on hold; a dry run only lists them', async () => {
      process.env.RETENTION_DAYS = '180';
      resetEnv();
      const old = await apply('old@example.com');
      const held = await apply('held@example.com');
      const recent = await apply('recent@example.com');
      expect(await runQueuedAnalyses()).toMatchObject({ completed: 3, failed: 0 });
      await age(old.userId, 200);
      await age(held.userId, 200);
      await age(recent.userId, 10);
      const cookie = await adminCookie();
      const holdUntil = new Date(Date.now() + 30 * 24 * 3600_000).toISOString().slice(0, 10);
      const hold = await holdRoute(
        adminRequest(cookie, `/api/admin/applicants/${held.userId}/hold`, {
          method: 'PUT',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ keep_until: holdUntil }),
        }),
        idParams(held.userId),
      );
      expect(hold.status).toBe(200);

      const dry = await applyRetention({ dryRun: true });
      expect(dry.due.map((applicant) => applicant.id)).toEqual([old.userId]);
      expect(await countRows()).toEqual({ users: 3, blobs: 3, attachments: 3 });

      const run = await applyRetention();
      expect(run).toMatchObject({ deleted: 1, failed: 0 });
      const db = await getDb();
      expect((await db.select({ id: users.id }).from(users)).map((row) => row.id).sort()).toEqual(
        [held.userId, recent.userId].sort(),
      );
      expect(await auditActions(old.userId)).toEqual(['retention_deleted']);
      expect(await auditActions(held.userId)).toEqual(['hold_set']);
      expect((await listStoredFiles()).length).toBe(4);

      // At a date past the hold (and past the recent one's 180 days), nothing is left.
      const later = new Date(Date.now() + 200 * 24 * 3600_000);
      expect((await applyRetention({ asOf: later, dryRun: true })).due).toHaveLength(2);
      expect(await applyRetention({ asOf: later })).toMatchObject({ deleted: 2, failed: 0 });
      await expectNothingLeft();
    });

    it('runs daily as a scheduled job', async () => {
      // A worker process makes the schedule; the sender this test runs as does not.
      await setJobsRole('worker');
      try {
        const boss = await getBoss();
        expect(
          (await boss.getSchedules(applyRetentionJob.name)).map((schedule) => schedule.cron),
        ).toEqual(['41 3 * * *']);
      } finally {
        await setJobsRole('sender');
      }
      const { userId } = await apply('grace@example.com');
      await age(userId, 400);
      // What the scheduler sends at 03:41 UTC.
      expect(await sendJob(applyRetentionJob, {})).toBeTruthy();
      // The resume's analysis, then the retention, which drops the applicant's queued email.
      expect(await runQueuedJobs()).toEqual({ completed: 2, failed: 0, left: false });
      await expectNothingLeft();
    });

    it('keeps everyone with RETENTION_DAYS=0', async () => {
      process.env.RETENTION_DAYS = '0';
      resetEnv();
      const { userId } = await apply('grace@example.com');
      await age(userId, 5000);
      expect(await applyRetention()).toMatchObject({ due: [], deleted: 0 });
      expect((await countRows()).users).toBe(1);
    });

    it('deletes an applicant whose analysis is queued: the job is dropped, nothing is left', async () => {
      const { userId, blobId } = await apply('grace@example.com');
      await age(userId, 400);
      expect(await applyRetention()).toMatchObject({ deleted: 1, failed: 0 });
      expect(await analysisJobsOf(blobId)).toEqual([]);
      expect(await runQueuedAnalyses()).toEqual({ completed: 0, failed: 0, left: false });
      await expectNothingLeft();
    });

    it('deletes an applicant whose analysis is running: the job finds nothing and completes, no preview is left', async () => {
      const { userId, blobId } = await apply('grace@example.com');
      await age(userId, 400);
      const work = runQueuedAnalyses();
      for (
        let tries = 0;
        tries < 500 && (await analysisJobsOf(blobId))[0]?.state !== 'active';
        tries += 1
      ) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      expect((await analysisJobsOf(blobId))[0]?.state).toBe('active');
      expect(await applyRetention()).toMatchObject({ deleted: 1, failed: 0 });
      expect(await work).toEqual({ completed: 1, failed: 0, left: false });
      await expectNothingLeft();
    });

    it('keeps an applicant whose objects cannot be deleted, never a row before its objects, and deletes it on the next run', async () => {
      const { userId, blobId } = await apply('grace@example.com');
      expect(await runQueuedAnalyses()).toMatchObject({ completed: 1, failed: 0 });
      await age(userId, 400);
      const db = await getDb();
      const [blob] = await db.select().from(blobs).where(eq(blobs.id, blobId));
      const previewKey = variantKey(blob!.key, 'preview');
      // The disk service cannot delete the preview: a folder stands where its file was.
      const storage = getStorage() as DiskStorageService;
      const previewFile = storage.pathFor(previewKey);
      await storage.delete(previewKey);
      await mkdir(previewFile, { recursive: true });
      await writeFile(path.join(previewFile, 'in-the-way'), 'x');

      expect(await applyRetention()).toMatchObject({ deleted: 0, failed: 1 });
      expect(await countRows()).toEqual({ users: 1, blobs: 1, attachments: 1 });
      expect(await auditActions(userId)).toEqual([]);

      await rm(previewFile, { recursive: true });
      expect(await applyRetention()).toMatchObject({ deleted: 1, failed: 0 });
      await expectNothingLeft();
      expect(await auditActions(userId)).toEqual(['retention_deleted']);
    });
  });

  describe("the recruiter's Delete", () => {
    it('deletes objects before rows: with an object that cannot be deleted, the delete fails with the applicant kept, and succeeds once storage can delete again', async () => {
      const { userId, blobId } = await apply('grace@example.com');
      expect(await runQueuedAnalyses()).toMatchObject({ completed: 1, failed: 0 });
      const db = await getDb();
      const [blob] = await db.select().from(blobs).where(eq(blobs.id, blobId));
      const storage = getStorage() as DiskStorageService;
      const previewFile = storage.pathFor(variantKey(blob!.key, 'preview'));
      await rm(previewFile);
      await mkdir(previewFile);
      await writeFile(path.join(previewFile, 'in-the-way'), 'x');
      const cookie = await adminCookie();
      const remove = () =>
        deleteRoute(
          adminRequest(cookie, `/api/admin/applicants/${userId}`, { method: 'DELETE' }),
          idParams(userId),
        );

      expect((await remove()).status).toBe(500);
      expect(await countRows()).toEqual({ users: 1, blobs: 1, attachments: 1 });
      await rm(previewFile, { recursive: true });
      expect((await remove()).status).toBe(200);
      await expectNothingLeft();
      expect(await auditActions(userId)).toEqual(['deleted']);
    });
  });

  describe('the audit trail and the data download', () => {
    it('records what recruiters do, and the data download holds every stored field, the resume and those entries', async () => {
      const { userId } = await apply('grace@example.com');
      expect(await runQueuedAnalyses()).toMatchObject({ completed: 1, failed: 0 });
      await signIn(
        new Request(`${origin}/api/admin/session`, {
          method: 'POST',
          body: new URLSearchParams({ password: 'wrong' }),
        }),
        noParams,
      );
      const cookie = await adminCookie();
      expect(
        (
          await resumeRoute(
            adminRequest(cookie, `/api/admin/applicants/${userId}/resume`),
            idParams(userId),
          )
        ).status,
      ).toBe(302);
      expect(
        (
          await previewRoute(
            adminRequest(cookie, `/api/admin/applicants/${userId}/preview`),
            idParams(userId),
          )
        ).status,
      ).toBe(302);
      expect(
        (await exportRoute(adminRequest(cookie, '/api/admin/applicants/export'), noParams)).status,
      ).toBe(200);
      const hold = await holdRoute(
        adminRequest(cookie, `/api/admin/applicants/${userId}/hold`, {
          method: 'PUT',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ keep_until: '2031-01-31' }),
        }),
        idParams(userId),
      );
      expect(hold.status).toBe(200);

      const download = await dataRoute(
        adminRequest(cookie, `/api/admin/applicants/${userId}/data`),
        idParams(userId),
      );
      expect(download.status).toBe(200);
      expect(download.headers.get('content-type')).toBe('application/zip');
      expect(download.headers.get('content-disposition')).toContain(`applicant-${userId}.zip`);
      const files = unzipSync(new Uint8Array(await download.arrayBuffer()));
      expect(Object.keys(files).sort()).toEqual(['applicant.json', 'resume/resume.pdf']);
      expect(Buffer.from(files['resume/resume.pdf']!).equals(resume)).toBe(true);
      const data = JSON.parse(new TextDecoder().decode(files['applicant.json']));
      expect(data.applicant).toMatchObject({
        id: userId,
        email: 'grace@example.com',
        first_name: 'Grace',
        last_name: 'Tester',
        keep_until: '2031-01-31',
      });
      expect(data.resume).toMatchObject({
        filename: 'resume.pdf',
        byte_size: resume.length,
        analysis: { page_count: 2 },
      });
      expect(data.resume.analysis.extracted_text).toContain(resumeWord);
      expect(data.resume.variants).toEqual([
        expect.objectContaining({ name: 'preview', content_type: 'image/webp' }),
      ]);
      expect(data.audit_events.map((event: { action: string }) => event.action)).toEqual([
        'viewed_resume',
        'viewed_preview',
        'hold_set',
        'downloaded_data',
      ]);
      // A recruiter's address is theirs, not the applicant's data.
      expect(data.audit_events[0]).toEqual({
        occurred_at: expect.any(String),
        actor: 'recruiter',
        action: 'viewed_resume',
      });

      expect(
        (
          await deleteRoute(
            adminRequest(cookie, `/api/admin/applicants/${userId}`, { method: 'DELETE' }),
            idParams(userId),
          )
        ).status,
      ).toBe(200);
      await expectNothingLeft();

      const { rows, total } = await listAuditEvents({}, 1);
      expect(total).toBe(8);
      expect(rows.map((row) => row.action)).toEqual([
        'deleted',
        'downloaded_data',
        'hold_set',
        'exported_csv',
        'viewed_preview',
        'viewed_resume',
        'signed_in',
        'sign_in_failed',
      ]);
      const signedIn = rows.find((row) => row.action === 'signed_in')!;
      expect(signedIn).toMatchObject({ actor: 'recruiter', clientAddress: '198.51.100.4' });
      expect(signedIn.actorSession).toMatch(/^[\w-]{16}$/);
      expect(rows.find((row) => row.action === 'viewed_resume')!.actorSession).toBe(
        signedIn.actorSession,
      );
      expect(rows.find((row) => row.action === 'sign_in_failed')!.actorSession).toBeNull();
      // The applicant's id outlives them; their name and email do not appear anywhere in it.
      expect(rows.find((row) => row.action === 'deleted')!.applicantId).toBe(userId);
      expect(JSON.stringify(rows)).not.toMatch(/grace|Tester/i);
      expect((await listAuditEvents({ action: 'viewed_resume' }, 1)).total).toBe(1);
      expect((await listAuditEvents({ applicantId: userId }, 1)).total).toBe(5);
    });

    it('streams the data download, reading the resume 1 MiB at a time', async () => {
      const big = makePdf('Big resume', 3 * 1024 * 1024);
      const created = await applyWithResume(big, {
        email: 'big@example.com',
        first_name: 'Big',
        last_name: 'File',
      });
      const userId = created.body.id as string;
      const reads = vi.spyOn(DiskStorageService.prototype, 'readRange');
      const cookie = await adminCookie();
      const download = await dataRoute(
        adminRequest(cookie, `/api/admin/applicants/${userId}/data`),
        idParams(userId),
      );
      expect(reads).not.toHaveBeenCalled();
      const chunks: Uint8Array[] = [];
      for await (const chunk of download.body!) chunks.push(chunk);
      const mib = 1024 * 1024;
      const ranges = Array.from({ length: Math.ceil(big.length / mib) }, (_, index) =>
        Math.min(mib, big.length - index * mib),
      );
      expect(ranges.length).toBeGreaterThan(2);
      expect(reads.mock.calls.map(([, start, end]) => end - start + 1)).toEqual(ranges);
      expect(chunks.length).toBeGreaterThan(ranges.length);
      const files = unzipSync(new Uint8Array(Buffer.concat(chunks)));
      expect(Buffer.from(files['resume/resume.pdf']!).equals(big)).toBe(true);
      reads.mockRestore();
    });

    it('is append-only: UPDATE, DELETE and TRUNCATE are refused, but the purge of entries past AUDIT_RETENTION_DAYS', async () => {
      const db = await getDb();
      await db.insert(auditEvents).values([
        {
          actor: 'system',
          action: 'retention_deleted',
          occurredAt: new Date(Date.now() - 800 * 24 * 3600_000),
        },
        {
          actor: 'system',
          action: 'retention_deleted',
          occurredAt: new Date(Date.now() - 700 * 24 * 3600_000),
        },
      ]);
      await expect(db.update(auditEvents).set({ action: 'deleted' })).rejects.toThrow();
      await expect(db.delete(auditEvents)).rejects.toThrow();
      await expect(db.execute(sql`truncate audit_events`)).rejects.toThrow();
      // A cutoff of its own that is too recent is refused too.
      await expect(
        db.transaction(async (tx) => {
          await tx.execute(
            sql`select set_config('resume_drop.audit_purge_before', ${new Date().toISOString()}, true)`,
          );
          await tx.delete(auditEvents);
        }),
      ).rejects.toThrow();
      expect((await listAuditEvents({}, 1)).total).toBe(2);

      expect(await applyRetention()).toMatchObject({ auditEventsPurged: 1 });
      const left = await db.select().from(auditEvents);
      expect(left).toHaveLength(1);
      expect(left[0]!.occurredAt.getTime()).toBeGreaterThan(Date.now() - 731 * 24 * 3600_000);
    });
  });
});
