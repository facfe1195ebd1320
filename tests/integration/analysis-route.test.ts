import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import { SignJWT } from 'jose';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { GET as analysisCron, POST as postAnalysis } from '@/app/api/analysis/route';
import { POST as postUsers } from '@/app/api/users/route';
import { getDb } from '@/lib/db';
import { attachments, blobs, blobVariants } from '@/db/schema';
import { signAnalysisToken } from '@/lib/analysis/analysis-token';
import { analyzePendingBlobs } from '@/lib/analysis/sweep';
import { signBlobId } from '@/lib/blobs/blob-token';
import { resetEnv } from '@/lib/env';
import { getStorage } from '@/lib/storage';
import { makeTextPdf } from '../fixtures/pdf-documents';
import { handleWithAfter } from '../support/after-response';
import { applyWithResume, fileRequest, jsonRequest, presign, putObject } from '../support/api';

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

const touched = ['APP_URL', 'ANALYSIS_DISPATCH', 'ANALYSIS_URL', 'VERCEL_AUTOMATION_BYPASS_SECRET', 'CRON_SECRET'];
afterEach(() => {
  setEnv(Object.fromEntries(touched.map((name) => [name, undefined])));
  vi.restoreAllMocks();
});

/** An applicant with an attached, not yet analyzed resume (handlers called directly run no after()). */
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
  expect(row).toMatchObject({ pageCount: 2, analysisError: null, analysisClaimedAt: null });
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

const analysisRequest = (body: unknown, headers?: Record<string, string>) =>
  postAnalysis(jsonRequest('/api/analysis', body, headers), noParams);

describe('POST /api/analysis', () => {
  it('refuses a request without a token, or whose token is not a live analysis token of this app, and analyzes nothing', async () => {
    const blobId = await attachedBlob();
    const otherSecret = new TextEncoder().encode('another-secret-that-is-long-enough-0123456789');
    const forged = await new SignJWT({ sub: blobId, pur: 'analysis_request' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('resume-drop')
      .setAudience('resume-drop')
      .setExpirationTime('1m')
      .sign(otherSecret);
    const cases: [string, Response, number, string][] = [
      ['no body', await analysisRequest({}), 400, 'invalid_request'],
      ['unknown fields', await analysisRequest({ blob_id: blobId }), 400, 'invalid_request'],
      [
        'not JSON',
        await postAnalysis(
          new Request('http://app.test/api/analysis', { method: 'POST', body: 'token=x' }),
          noParams,
        ),
        415,
        'unsupported_media_type',
      ],
      ['garbage', await analysisRequest({ token: 'garbage' }), 403, 'invalid_analysis_token'],
      // A blob_signed_id, which the browser holds, names the same blob but is made for attaching.
      [
        'a blob token',
        await analysisRequest({ token: await signBlobId(blobId) }),
        403,
        'invalid_analysis_token',
      ],
      ['another secret', await analysisRequest({ token: forged }), 403, 'invalid_analysis_token'],
      [
        'expired',
        await analysisRequest({ token: await signAnalysisToken(blobId, -1) }),
        403,
        'analysis_token_expired',
      ],
    ];
    for (const [name, response, status, code] of cases) {
      expect(response.status, name).toBe(status);
      expect(response.headers.get('cache-control'), name).toBe('no-store');
      const body = await response.json();
      expect(body.error.code, name).toBe(code);
      expect(body.error.message, name).toBeTruthy();
    }
    expect((await analysisRequest({})).headers.get('x-error-code')).toBe('invalid_request');
    expect((await (await analysisRequest({})).json()).error.fields).toEqual({
      token: 'token is required',
    });
    expect((await blobRow(blobId)).analyzedAt).toBeNull();
  });

  it('answers 202 at once and analyzes the blob after its response: page count, text and preview', async () => {
    const blobId = await attachedBlob();
    const token = await signAnalysisToken(blobId);
    const { response, finish } = await handleWithAfter(() => analysisRequest({ token }));
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ status: 'accepted' });
    // Nothing happens before the response is out.
    expect((await blobRow(blobId)).analyzedAt).toBeNull();

    await finish();
    await expectAnalyzed(blobId);
    const row = await blobRow(blobId);
    // The same token again (a replay, a retry): 202, and the analysis is not redone.
    const again = await handleWithAfter(() => analysisRequest({ token }));
    expect(again.response.status).toBe(202);
    await again.finish();
    expect((await blobRow(blobId)).analyzedAt).toEqual(row.analyzedAt);
  });

  it('GET is the analysis cron: with CRON_SECRET only, it analyzes what after() missed', async () => {
    const blobId = await attachedBlob();
    const call = (authorization?: string) =>
      analysisCron(
        new Request('http://app.test/api/analysis', {
          headers: authorization ? { Authorization: authorization } : {},
        }),
        noParams,
      );
    expect((await call()).status).toBe(403);
    setEnv({ CRON_SECRET: cronSecret });
    expect((await call('Bearer nope')).status).toBe(401);
    const response = await call(`Bearer ${cronSecret}`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ analyzed: 1, failed: 0, errors: 0, remaining: 0 });
    await expectAnalyzed(blobId);
  });
});

/**
 * The app as a server at APP_URL, for its own calls to POST /api/analysis: each request is recorded
 * and handled by the route, whose after() work runs once the answer has been written.
 */
async function startAnalysisServer(answer: 'route' | 401 = 'route') {
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
      headers: { 'Content-Type': String(req.headers['content-type']) },
      body,
    });
    const { response, finish } = await handleWithAfter(() => postAnalysis(request, noParams));
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

describe('POST /api/users hands the analysis over after its response', () => {
  let analysisServer: Awaited<ReturnType<typeof startAnalysisServer>> | undefined;
  beforeEach(() => {
    analysisServer = undefined;
  });
  afterEach(async () => {
    await analysisServer?.close();
  });

  it('inline (the default off Vercel): analyzes in this process', async () => {
    const { blobId, finish } = await submitApplication('inline@example.com');
    expect((await blobRow(blobId)).analyzedAt).toBeNull();
    await finish();
    await expectAnalyzed(blobId);
  });

  it('http: calls the analysis route at APP_URL with a token for the blob (and the Vercel protection bypass), which analyzes it', async () => {
    analysisServer = await startAnalysisServer();
    const { blobId, finish } = await submitApplication('http@example.com', {
      APP_URL: analysisServer.origin,
      ANALYSIS_DISPATCH: 'http',
      VERCEL_AUTOMATION_BYPASS_SECRET: 'bypass-secret-for-tests',
    });
    expect(analysisServer.seen).toEqual([]);

    // The after() work is done once the analysis route has answered 202; the analysis runs there.
    await finish();
    expect(analysisServer.seen).toHaveLength(1);
    const [call] = analysisServer.seen;
    expect(call).toMatchObject({ method: 'POST', url: '/api/analysis' });
    expect(call!.headers['content-type']).toBe('application/json');
    expect(call!.headers['x-vercel-protection-bypass']).toBe('bypass-secret-for-tests');
    const { token } = JSON.parse(call!.body) as { token: string };
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());
    expect(claims).toMatchObject({ sub: blobId, pur: 'analysis_request' });
    expect(claims.exp - claims.iat).toBe(60);

    await Promise.all(analysisServer.analyses);
    await expectAnalyzed(blobId);
  });

  it('http: sends no bypass header when Vercel has set no bypass secret', async () => {
    analysisServer = await startAnalysisServer();
    const { blobId, finish } = await submitApplication('nobypass@example.com', {
      APP_URL: analysisServer.origin,
      ANALYSIS_DISPATCH: 'http',
    });
    await finish();
    expect(analysisServer.seen[0]!.headers).not.toHaveProperty('x-vercel-protection-bypass');
    await Promise.all(analysisServer.analyses);
    await expectAnalyzed(blobId);
  });

  it('http with ANALYSIS_URL: calls that route, not APP_URL\'s, and sends the Vercel bypass only to APP_URL\'s origin', async () => {
    analysisServer = await startAnalysisServer();
    const { blobId, finish } = await submitApplication('elsewhere@example.com', {
      APP_URL: 'http://127.0.0.1:9',
      ANALYSIS_URL: `${analysisServer.origin}/api/analysis?from=web`,
      VERCEL_AUTOMATION_BYPASS_SECRET: 'bypass-secret-for-tests',
    });
    await finish();
    expect(analysisServer.seen).toHaveLength(1);
    const [call] = analysisServer.seen;
    expect(call).toMatchObject({ method: 'POST', url: '/api/analysis?from=web' });
    expect(call!.headers).not.toHaveProperty('x-vercel-protection-bypass');
    await Promise.all(analysisServer.analyses);
    await expectAnalyzed(blobId);
  });

  it('http: a refused or unreachable analysis route never fails the application; the sweep analyzes the blob later', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    // As Vercel's Deployment Protection answers without the bypass.
    analysisServer = await startAnalysisServer(401);
    const refused = await submitApplication('refused@example.com', {
      APP_URL: analysisServer.origin,
      ANALYSIS_DISPATCH: 'http',
    });
    await expect(refused.finish()).resolves.toBeUndefined();
    expect(analysisServer.seen).toHaveLength(1);
    expect(errors.mock.calls.flat().join('\n')).toMatch(
      /blob [0-9a-f-]+: \/api\/analysis answered 401: Deployment Protection\? .*the sweep will retry/,
    );

    const closedOrigin = analysisServer.origin;
    await analysisServer.close();
    analysisServer = undefined;
    setEnv({ APP_URL: undefined });
    const unreachable = await submitApplication('unreachable@example.com', {
      APP_URL: closedOrigin,
    });
    await expect(unreachable.finish()).resolves.toBeUndefined();
    expect(errors.mock.calls.flat().join('\n')).toMatch(
      /\/api\/analysis could not be reached \(TypeError ECONNREFUSED\); the sweep will retry/,
    );
    // Never the token, in any message.
    expect(errors.mock.calls.flat().join('\n')).not.toMatch(/eyJ/);

    expect((await blobRow(refused.blobId)).analyzedAt).toBeNull();
    expect((await blobRow(unreachable.blobId)).analyzedAt).toBeNull();
    expect(await analyzePendingBlobs()).toEqual({
      analyzed: 2,
      failed: 0,
      errors: 0,
      remaining: 0,
    });
  });
});
