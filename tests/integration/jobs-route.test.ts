import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import { SignJWT } from 'jose';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { GET as jobsCron, POST as postJobs } from '@/app/api/jobs/route';
import { POST as postUsers } from '@/app/api/users/route';
import { getDb } from '@/lib/database';
import { attachments, blobs, blobVariants } from '@/db/schema';
import { signJobsToken } from '@/lib/jobs/jobs-token';
import { signBlobId } from '@/lib/blobs/blob-token';
import { getEnv, resetEnv } from '@/lib/env';
import { getStorage } from '@/lib/storage';
import { makeTextPdf } from '../fixtures/pdf-documents';
import { handleWithAfter } from '../support/after-response';
import { applyWithResume, fileRequest, jsonRequest, presign, putObject } from '../support/api';
import { analysisJobsOf, runQueuedJobs } from '../support/jobs';

const noParams = { params: Promise.resolve({}) };
const cronSecret = 'cron-secret-for-tests-0123456789';

const resume = makeTextPdf([
  ['Katherine Tester', 'Orbital mechanics', 'Computed Quixotically precise trajectories'],
  ['Page two: the moon'],
]);

function setEnv(values: Record<string, string | undefined>) {
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  resetEnv();
}

const touched = ['APP_URL', 'JOBS_KICK', 'VERCEL_AUTOMATION_BYPASS_SECRET', 'CRON_SECRET'];
afterEach(() => {
  setEnv(Object.fromEntries(touched.map((name) => [name, undefined])));
  vi.restoreAllMocks();
});

/** An applicant with an attached resume, its analysis queued. */
async function attachedBlob(email = 'katherine@example.com') {
  const created = await applyWithResume(resume, {
    email,
    first_name: 'Katherine',
    last_name: 'Tester',
  });
  expect(created.status).toBe(200);
  const db = await getDb();
  const [row] = await db
    .select()
    .from(attachments)
    .where(eq(attachments.recordId, created.body.id as string));
  return row!.blobId;
}

async function blobRow(id: string) {
  const db = await getDb();
  const [row] = await db.select().from(blobs).where(eq(blobs.id, id));
  return row!;
}

/** What the analysis wrote: the blob's analysis, and its preview's bytes. */
async function expectAnalyzed(blobId: string) {
  const row = await blobRow(blobId);
  expect(row).toMatchObject({ pageCount: 2, analysisError: null });
  expect(row.analyzedAt).toBeInstanceOf(Date);
  expect(row.extractedText).toContain('Computed Quixotically precise trajectories');
  const db = await getDb();
  const [variant] = await db.select().from(blobVariants).where(eq(blobVariants.blobId, blobId));
  expect(variant).toMatchObject({
    name: 'preview',
    key: `variants/${row.key}/preview`,
    contentType: 'image/webp',
    width: 300,
  });
  const preview = await getStorage().readRange(variant!.key, 0, 11);
  expect(Buffer.from(preview.subarray(8, 12)).toString('latin1')).toBe('WEBP');
}

const jobsRequest = (authorization?: string) =>
  postJobs(new Request('http://app.test/api/jobs', { method: 'POST', headers: authorization ? { Authorization: authorization } : {} }), noParams);

describe('POST /api/jobs', () => {
  it('refuses a request whose bearer token is not a live jobs token of this app, and works nothing', async () => {
    const blobId = await attachedBlob();
    const otherSecret = new TextEncoder().encode('another-secret-that-is-long-enough-0123456789');
    const forged = await new SignJWT({ pur: 'jobs_kick' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('resume-drop')
      .setAudience('resume-drop')
      .setExpirationTime('1m')
      .sign(otherSecret);
    setEnv({ CRON_SECRET: cronSecret });
    const cases: [string, Response, number, string][] = [
      ['no authorization', await jobsRequest(), 403, 'invalid_jobs_token'],
      ['garbage', await jobsRequest('Bearer garbage'), 403, 'invalid_jobs_token'],
      // The cron's secret is for GET; a blob_signed_id, which the browser holds, is made for attaching.
      ['the cron secret', await jobsRequest(`Bearer ${cronSecret}`), 403, 'invalid_jobs_token'],
      ['a blob token', await jobsRequest(`Bearer ${await signBlobId(blobId)}`), 403, 'invalid_jobs_token'],
      ['another secret', await jobsRequest(`Bearer ${forged}`), 403, 'invalid_jobs_token'],
      ['expired', await jobsRequest(`Bearer ${await signJobsToken(-1)}`), 403, 'jobs_token_expired'],
    ];
    for (const [name, response, status, code] of cases) {
      expect(response.status, name).toBe(status);
      expect(response.headers.get('cache-control'), name).toBe('no-store');
      const body = await response.json();
      expect(body.error.code, name).toBe(code);
      expect(body.error.message, name).toBeTruthy();
    }
    expect((await blobRow(blobId)).analyzedAt).toBeNull();
    expect((await analysisJobsOf(blobId)).map((job) => job.state)).toEqual(['created']);
  });

  it('answers 202 at once and works the queue after its response: page count, text and preview', async () => {
    const blobId = await attachedBlob();
    const token = await signJobsToken();
    const { response, finish } = await handleWithAfter(() => jobsRequest(`Bearer ${token}`));
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ status: 'accepted' });
    // Nothing happens before the response is out.
    expect((await blobRow(blobId)).analyzedAt).toBeNull();

    await finish();
    await expectAnalyzed(blobId);
    const row = await blobRow(blobId);
    // The same token again (a replay, a retry): 202, and nothing is redone.
    const again = await handleWithAfter(() => jobsRequest(`Bearer ${token}`));
    expect(again.response.status).toBe(202);
    await again.finish();
    expect((await blobRow(blobId)).analyzedAt).toEqual(row.analyzedAt);
    expect((await analysisJobsOf(blobId)).map((job) => job.state)).toEqual(['completed']);
  });

  it('GET is the cron: with CRON_SECRET only, it works what is queued', async () => {
    const blobId = await attachedBlob();
    const call = (authorization?: string) =>
      jobsCron(
        new Request('http://app.test/api/jobs', {
          headers: authorization ? { Authorization: authorization } : {},
        }),
        noParams,
      );
    expect((await call()).status).toBe(403);
    setEnv({ CRON_SECRET: cronSecret });
    expect((await call('Bearer nope')).status).toBe(401);
    expect((await call(`Bearer ${await signJobsToken()}`)).status).toBe(401);
    const response = await call(`Bearer ${cronSecret}`);
    expect(response.status).toBe(200);
    // The analysis and the applicant's confirmation email.
    expect(await response.json()).toEqual({ completed: 2, failed: 0, left: false });
    await expectAnalyzed(blobId);
  });
});

/**
 * The app as a server at APP_URL, for its own calls to POST /api/jobs: each request is recorded
 * and handled by the route, whose after() work runs once the answer has been written.
 */
async function startJobsServer(answer: 'route' | 401 = 'route') {
  const seen: {
    method?: string;
    url?: string;
    headers: Record<string, string | string[] | undefined>;
    body: string;
  }[] = [];
  const analyses: Promise<void>[] = [];
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString();
    seen.push({ method: req.method, url: req.url, headers: req.headers, body });
    if (answer !== 'route') {
      res.writeHead(answer).end('Authentication required');
      return;
    }
    const request = new Request(`http://app.test${req.url}`, {
      method: req.method,
      headers: { Authorization: String(req.headers.authorization) },
    });
    const { response, finish } = await handleWithAfter(() => postJobs(request, noParams));
    res
      .writeHead(response.status, { 'Content-Type': 'application/json' })
      .end(await response.text());
    analyses.push(finish());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    seen,
    analyses,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * POST /api/users with a freshly uploaded resume, as Next.js runs it (after() included), with `env`
 * set once the upload is done (the disk service's links are made for the test origin).
 */
async function submitApplication(email: string, env: Record<string, string> = {}) {
  const upload = await presign(fileRequest(resume));
  expect(
    (await putObject(upload.body.direct_upload.url, upload.body.direct_upload.headers, resume))
      .status,
  ).toBe(200);
  setEnv(env);
  const handled = await handleWithAfter(() =>
    postUsers(
      jsonRequest('/api/users', {
        email,
        first_name: 'Katherine',
        last_name: 'Tester',
        pdf: upload.body.blob_signed_id,
      }),
      noParams,
    ),
  );
  expect(handled.response.status).toBe(200);
  const db = await getDb();
  const [row] = await db
    .select()
    .from(attachments)
    .where(eq(attachments.recordId, (await handled.response.json()).id));
  return { blobId: row!.blobId, finish: handled.finish };
}

describe('POST /api/users kicks the jobs route after its response (JOBS_KICK, as on Vercel)', () => {
  let jobsServer: Awaited<ReturnType<typeof startJobsServer>> | undefined;
  beforeEach(() => {
    jobsServer = undefined;
  });
  afterEach(async () => {
    await jobsServer?.close();
  });

  it('off (the default off Vercel): no call; the job waits for a worker', async () => {
    jobsServer = await startJobsServer();
    const { blobId, finish } = await submitApplication('worker@example.com', { APP_URL: jobsServer.origin });
    await finish();
    expect(jobsServer.seen).toEqual([]);
    expect((await blobRow(blobId)).analyzedAt).toBeNull();
    // The analysis and the applicant's confirmation email.
    expect(await runQueuedJobs()).toEqual({ completed: 2, failed: 0, left: false });
    await expectAnalyzed(blobId);
  });

  it('on: calls POST /api/jobs at APP_URL with a one-minute jobs token (and the Vercel protection bypass), which analyzes the resume', async () => {
    jobsServer = await startJobsServer();
    const { blobId, finish } = await submitApplication('kick@example.com', {
      APP_URL: jobsServer.origin,
      JOBS_KICK: 'true',
      VERCEL_AUTOMATION_BYPASS_SECRET: 'bypass-secret-for-tests',
    });
    expect(jobsServer.seen).toEqual([]);

    // The after() work is done once the jobs route has answered 202; the work runs there.
    await finish();
    expect(jobsServer.seen).toHaveLength(1);
    const [call] = jobsServer.seen;
    expect(call).toMatchObject({ method: 'POST', url: '/api/jobs', body: '' });
    expect(call!.headers['x-vercel-protection-bypass']).toBe('bypass-secret-for-tests');
    const token = String(call!.headers.authorization).replace(/^Bearer /, '');
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());
    expect(claims).toMatchObject({ pur: 'jobs_kick' });
    expect(claims.exp - claims.iat).toBe(60);

    await Promise.all(jobsServer.analyses);
    await expectAnalyzed(blobId);
  });

  it('on: sends no bypass header when Vercel has set no bypass secret, and never calls an origin from the request', async () => {
    jobsServer = await startJobsServer();
    const { blobId, finish } = await submitApplication('nobypass@example.com', {
      APP_URL: jobsServer.origin,
      JOBS_KICK: 'true',
    });
    await finish();
    expect(jobsServer.seen).toHaveLength(1);
    expect(jobsServer.seen[0]!.headers).not.toHaveProperty('x-vercel-protection-bypass');
    await Promise.all(jobsServer.analyses);
    await expectAnalyzed(blobId);
    // Without APP_URL there is nowhere to call: the configuration is refused, not guessed from a Host.
    setEnv({ APP_URL: undefined });
    expect(() => getEnv()).toThrow(/JOBS_KICK: needs APP_URL/);
  });

  it('on: a refused or unreachable jobs route never fails the application; the job waits for the next kick or the cron', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    // As Vercel's Deployment Protection answers without the bypass.
    jobsServer = await startJobsServer(401);
    const refused = await submitApplication('refused@example.com', {
      APP_URL: jobsServer.origin,
      JOBS_KICK: 'true',
    });
    await expect(refused.finish()).resolves.toBeUndefined();
    expect(jobsServer.seen).toHaveLength(1);
    expect(errors.mock.calls.flat().join('\n')).toMatch(
      /\/api\/jobs answered 401: Deployment Protection\? .*the next kick or the cron works the queue/,
    );

    const closedOrigin = jobsServer.origin;
    await jobsServer.close();
    jobsServer = undefined;
    // The upload's disk-service link is made for the test origin, not APP_URL.
    setEnv({ APP_URL: undefined, JOBS_KICK: undefined });
    const unreachable = await submitApplication('unreachable@example.com', {
      APP_URL: closedOrigin,
      JOBS_KICK: 'true',
    });
    await expect(unreachable.finish()).resolves.toBeUndefined();
    expect(errors.mock.calls.flat().join('\n')).toMatch(
      /\/api\/jobs could not be reached \(TypeError ECONNREFUSED\); the next kick or the cron works the queue/,
    );
    // Never the token, in any message.
    expect(errors.mock.calls.flat().join('\n')).not.toMatch(/eyJ/);

    expect((await blobRow(refused.blobId)).analyzedAt).toBeNull();
    expect((await blobRow(unreachable.blobId)).analyzedAt).toBeNull();
    // Two analyses and two confirmation emails.
    expect(await runQueuedJobs()).toEqual({ completed: 4, failed: 0, left: false });
  });
});
