import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { POST as postDirectUpload } from '@/app/api/direct-uploads/route';
import { POST as postUsers } from '@/app/api/users/route';
import { closeDb, getDb } from '@/lib/database';
import { eq } from 'drizzle-orm';
import { blobs, rateLimits } from '@/db/schema';
import { resetEnv } from '@/lib/env';
import { route } from '@/lib/http/handler';
import { clientAddress } from '@/lib/http/rate-limit';
import { makePdf } from '../fixtures/pdf';
import { fileRequest, origin, presign, putObject } from '../support/api';
import { countRows } from '../support/state';
import { analysisJobsOf } from '../support/jobs';

// These tests also send applications without a resume: the tutorial's optional `pdf`.
beforeAll(() => {
  process.env.RESUME_REQUIRED = 'false';
  resetEnv();
});

function post(handler: typeof postUsers, path: string, body: unknown, address: string) {
  const request = new Request(`${origin}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': `203.0.113.99, ${address}` },
    body: JSON.stringify(body),
  });
  return handler(request, { params: Promise.resolve({}) });
}

describe('rate limits per client address', () => {
  beforeEach(() => {
    process.env.RATE_LIMIT_USERS = '3';
    process.env.RATE_LIMIT_DIRECT_UPLOADS = '2';
    resetEnv();
  });
  afterEach(() => {
    process.env.RATE_LIMIT_USERS = '0';
    process.env.RATE_LIMIT_DIRECT_UPLOADS = '0';
    resetEnv();
  });

  it('answers 429 with Retry-After past the limit on POST /api/users, per address', async () => {
    const person = (n: number) => ({ email: `p${n}@example.com`, first_name: 'P', last_name: `${n}` });
    for (let n = 0; n < 3; n += 1) expect((await post(postUsers, '/api/users', person(n), '198.51.100.1')).status).toBe(200);
    const limited = await post(postUsers, '/api/users', person(3), '198.51.100.1');
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(600);
    const body = await limited.json();
    expect(body.error.code).toBe('rate_limited');
    expect(body.error.message).toContain(`${retryAfter} seconds`);
    expect((await countRows()).users).toBe(3);

    expect((await post(postUsers, '/api/users', person(4), '198.51.100.2')).status).toBe(200);
  });

  it('limits POST /api/direct-uploads separately, writing no blob when refused', async () => {
    const body = fileRequest(makePdf());
    expect((await post(postDirectUpload, '/api/direct-uploads', body, '198.51.100.7')).status).toBe(200);
    expect((await post(postDirectUpload, '/api/direct-uploads', body, '198.51.100.7')).status).toBe(200);
    expect((await post(postDirectUpload, '/api/direct-uploads', body, '198.51.100.7')).status).toBe(429);
    expect((await countRows()).blobs).toBe(2);
    expect((await post(postUsers, '/api/users', { email: 'x@example.com', first_name: 'X', last_name: 'Y' }, '198.51.100.7')).status).toBe(200);
  });

  it('counts each request once, resumes attached or not, and a refused applicant leaves the upload pending', async () => {
    const address = '198.51.100.3';
    let uploads = 0;
    const uploaded = async () => {
      const pdf = makePdf();
      // Presigns from other addresses: their own limit is not the one under test.
      uploads += 1;
      const upload = await presign(fileRequest(pdf), { 'X-Forwarded-For': `192.0.2.${uploads}` });
      await putObject(upload.body.direct_upload.url, upload.body.direct_upload.headers, pdf);
      return upload.body.blob_signed_id as string;
    };
    const person = (n: number, pdf?: string) => ({ email: `r${n}@example.com`, first_name: 'R', last_name: `${n}`, ...(pdf ? { pdf } : {}) });
    expect((await post(postUsers, '/api/users', person(0, await uploaded()), address)).status).toBe(200);
    expect((await post(postUsers, '/api/users', person(1), address)).status).toBe(200);
    expect((await post(postUsers, '/api/users', person(2, await uploaded()), address)).status).toBe(200);
    const refused = await post(postUsers, '/api/users', person(3, await uploaded()), address);
    expect(refused.status).toBe(429);
    expect(await countRows()).toMatchObject({ users: 3, attachments: 2 });
    const db = await getDb();
    expect((await db.select().from(blobs)).filter((blob) => blob.state === 'pending')).toHaveLength(1);
  });

  it("queues an address's k-th resume in the window behind every address's earlier ones (priority -k)", async () => {
    const uploaded = async (n: number) => {
      const pdf = makePdf();
      const upload = await presign(fileRequest(pdf), { 'X-Forwarded-For': `192.0.2.${50 + n}` });
      await putObject(upload.body.direct_upload.url, upload.body.direct_upload.headers, pdf);
      return upload.body.blob_signed_id as string;
    };
    const person = (n: number, pdf: string) => ({ email: `q${n}@example.com`, first_name: 'Q', last_name: `${n}`, pdf });
    for (const [n, address] of ['198.51.100.20', '198.51.100.20', '198.51.100.21'].entries()) {
      expect((await post(postUsers, '/api/users', person(n, await uploaded(n)), address)).status).toBe(200);
    }
    const db = await getDb();
    const attached = await db.select({ id: blobs.id }).from(blobs).where(eq(blobs.state, 'attached'));
    expect(attached).toHaveLength(3);
    const priorities = await Promise.all(attached.map(async ({ id }) => (await analysisJobsOf(id))[0]?.priority));
    expect(priorities.sort()).toEqual([-1, -1, -2]);
  });

  it('counts requests refused for their content too, and answers 429 before their own error past the limit', async () => {
    const address = '198.51.100.4';
    const invalid = { email: 'not an email', first_name: 'I', last_name: 'V' };
    const forged = { email: 'f@example.com', first_name: 'F', last_name: 'G', pdf: 'not.a.token' };
    expect((await post(postUsers, '/api/users', invalid, address)).status).toBe(422);
    expect((await post(postUsers, '/api/users', forged, address)).status).toBe(422);
    expect((await post(postUsers, '/api/users', invalid, address)).status).toBe(422);
    expect((await post(postUsers, '/api/users', invalid, address)).status).toBe(429);
    expect((await post(postUsers, '/api/users', { email: 'ok@example.com', first_name: 'O', last_name: 'K' }, address)).status).toBe(429);

    const pdf = makePdf();
    expect((await post(postDirectUpload, '/api/direct-uploads', fileRequest(pdf, { byte_size: 0 }), address)).status).toBe(422);
    expect((await post(postDirectUpload, '/api/direct-uploads', { file: {} }, address)).status).toBe(400);
    expect((await post(postDirectUpload, '/api/direct-uploads', fileRequest(pdf, { content_type: 'text/html' }), address)).status).toBe(429);
    expect((await post(postDirectUpload, '/api/direct-uploads', fileRequest(pdf), address)).status).toBe(429);
    expect((await countRows()).blobs).toBe(0);
  });

  it('holds under concurrency: exactly the limit gets through', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, n) => post(postUsers, '/api/users', { email: `c${n}@example.com`, first_name: 'C', last_name: `${n}` }, '198.51.100.9')),
    );
    expect(results.filter((response) => response.status === 200)).toHaveLength(3);
    expect(results.filter((response) => response.status === 429)).toHaveLength(5);
  });
});

describe('route({ rateLimit })', () => {
  beforeEach(() => {
    process.env.RATE_LIMIT_USERS = '2';
    resetEnv();
  });
  afterEach(() => {
    process.env.RATE_LIMIT_USERS = '0';
    resetEnv();
  });

  it('counts before the handler runs, and past the limit never runs it', async () => {
    let runs = 0;
    const handler = route({ rateLimit: 'users' }, async () => {
      runs += 1;
      return Response.json({ ok: true });
    });
    const call = () => handler(new Request(`${origin}/api/users`, { method: 'POST', headers: { 'X-Forwarded-For': '198.51.100.5' } }), { params: Promise.resolve({}) });
    expect((await call()).status).toBe(200);
    expect((await call()).status).toBe(200);
    const refused = await call();
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('Retry-After'))).toBeGreaterThan(0);
    expect(await refused.json()).toMatchObject({ error: { code: 'rate_limited' } });
    expect(runs).toBe(2);
    const [counter] = await (await getDb()).select().from(rateLimits);
    expect(counter).toMatchObject({ key: 'users:198.51.100.5', count: 3 });
  });

  it("does not count a request that another site's page sent: it cannot spend its visitor's budget", async () => {
    const foreign = (headers: Record<string, string>) =>
      postUsers(
        new Request(`${origin}/api/users`, {
          method: 'POST',
          headers: { 'Content-Type': 'text/plain', 'X-Forwarded-For': '198.51.100.6', ...headers },
          body: JSON.stringify({ email: 'x@example.com', first_name: 'X', last_name: 'Y' }),
        }),
        { params: Promise.resolve({}) },
      );
    for (let n = 0; n < 4; n += 1) {
      expect((await foreign({ Origin: 'https://evil.example' })).status).toBe(403);
      expect((await foreign({ 'Sec-Fetch-Site': 'cross-site' })).status).toBe(403);
    }
    expect(await (await getDb()).select().from(rateLimits)).toEqual([]);
    // The same site's page is counted, refused or not.
    expect((await foreign({ Origin: origin })).status).toBe(415);
    expect(await (await getDb()).select().from(rateLimits)).toMatchObject([{ key: 'users:198.51.100.6', count: 1 }]);
  });
});

describe('the prepared statements of the hot path', () => {
  beforeEach(() => {
    process.env.RATE_LIMIT_DIRECT_UPLOADS = '2';
    resetEnv();
  });
  afterEach(() => {
    process.env.RATE_LIMIT_DIRECT_UPLOADS = '0';
    resetEnv();
  });

  it('belong to their database handle: a reopened database is served, and counts from where the last left off', async () => {
    expect((await post(postDirectUpload, '/api/direct-uploads', fileRequest(makePdf()), '198.51.100.7')).status).toBe(200);
    // A statement kept from the closed handle would run on a pool that has ended (Postgres) or a
    // closed PGlite; in memory, PGlite's data goes with it, so the count restarts there.
    await closeDb();
    expect((await post(postDirectUpload, '/api/direct-uploads', fileRequest(makePdf()), '198.51.100.7')).status).toBe(200);
    const [counter] = await (await getDb()).select().from(rateLimits);
    expect(counter?.count).toBe(process.env.TEST_DATABASE === 'postgres' ? 2 : 1);
  });
});

describe('rate limits and X-Forwarded-For', () => {
  beforeEach(() => {
    process.env.RATE_LIMIT_DIRECT_UPLOADS = '20';
    resetEnv();
  });
  afterEach(() => {
    process.env.RATE_LIMIT_DIRECT_UPLOADS = '0';
    resetEnv();
  });

  async function rateLimitKeys() {
    const db = await getDb();
    return (await db.select({ key: rateLimits.key }).from(rateLimits)).map((row) => row.key);
  }

  it('gives no fresh bucket to entries that are not IP addresses', async () => {
    const body = fileRequest(makePdf());
    const statuses: number[] = [];
    for (let n = 1; n <= 25; n += 1) statuses.push((await post(postDirectUpload, '/api/direct-uploads', body, `not-an-ip-${n}`)).status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(20);
    expect(statuses.slice(20)).toEqual([429, 429, 429, 429, 429]);
    expect(await rateLimitKeys()).toEqual(['direct-uploads:unidentified']);
  });

  it('keys IPv6 clients by their /64, and stores a key of bounded size whatever the header holds', async () => {
    process.env.RATE_LIMIT_DIRECT_UPLOADS = '2';
    resetEnv();
    const body = fileRequest(makePdf());
    expect((await post(postDirectUpload, '/api/direct-uploads', body, '2001:db8:1:2::1')).status).toBe(200);
    expect((await post(postDirectUpload, '/api/direct-uploads', body, '2001:DB8:1:2:ffff:ffff:ffff:fffe')).status).toBe(200);
    expect((await post(postDirectUpload, '/api/direct-uploads', body, '[2001:db8:1:2:abcd::9]:443')).status).toBe(429);
    expect((await post(postDirectUpload, '/api/direct-uploads', body, '2001:db8:1:3::1')).status).toBe(200);
    expect((await post(postDirectUpload, '/api/direct-uploads', body, `${'a'.repeat(8000)}`)).status).toBe(200);
    const keys = await rateLimitKeys();
    expect(keys.sort()).toEqual(['direct-uploads:2001:db8:1:2::/64', 'direct-uploads:2001:db8:1:3::/64', 'direct-uploads:unidentified']);
    expect(Math.max(...keys.map((key) => key.length))).toBeLessThanOrEqual(40);
  });
});

describe('clientAddress', () => {
  const request = (headers: Record<string, string>) => new Request('http://app.test/', { headers });
  it('takes the entry the trusted proxy added, not what the client sent', () => {
    expect(clientAddress(request({ 'X-Forwarded-For': '6.6.6.6, 198.51.100.1' }), 1)).toBe('198.51.100.1');
    expect(clientAddress(request({ 'X-Forwarded-For': '6.6.6.6, 198.51.100.1, 10.0.0.2' }), 2)).toBe('198.51.100.1');
    expect(clientAddress(request({ 'X-Forwarded-For': '198.51.100.1' }), 3)).toBe('198.51.100.1');
    expect(clientAddress(request({ 'X-Forwarded-For': '198.51.100.1:50123' }), 1)).toBe('198.51.100.1');
    expect(clientAddress(request({ 'X-Forwarded-For': '::ffff:198.51.100.1' }), 1)).toBe('198.51.100.1');
    expect(clientAddress(request({ 'X-Forwarded-For': '2001:db8::7' }), 1)).toBe('2001:db8:0:0::/64');
    expect(clientAddress(request({ 'X-Forwarded-For': '2001:db8:a:b:c:d:1.2.3.4' }), 1)).toBe('2001:db8:a:b::/64');
    expect(clientAddress(request({}), 1)).toBe('unidentified');
  });

  it('believes nothing without a trusted proxy, and never X-Real-IP', () => {
    expect(clientAddress(request({ 'X-Real-IP': '198.51.100.5' }), 1)).toBe('unidentified');
    expect(clientAddress(request({ 'X-Forwarded-For': '198.51.100.1' }), 0)).toBe('unidentified');
    expect(clientAddress(request({ 'X-Forwarded-For': 'not-an-ip, 999.1.1.1' }), 1)).toBe('unidentified');
  });
});
