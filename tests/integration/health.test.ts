import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GET } from '@/app/api/health/route';
import { sql } from 'drizzle-orm';
import { closeDb, getDb } from '@/lib/database';
import { resetEnv } from '@/lib/env';
import { makePdf } from '../fixtures/pdf';
import { applyWithResume, origin } from '../support/api';

async function health(query = '', headers: Record<string, string> = {}) {
  const response = await GET(new Request(`${origin}/api/health${query}`, { headers }), { params: Promise.resolve({}) });
  return { status: response.status, body: await response.json() };
}

const cronSecret = 'cron-secret-for-tests-0123456789';

describe('GET /api/health', () => {
  let saved = { ...process.env };
  beforeEach(() => {
    saved = { ...process.env };
  });
  afterEach(async () => {
    process.env = { ...saved };
    resetEnv();
    await closeDb();
  });

  it('answers 200 when the database and the storage answer', async () => {
    const result = await health();
    expect(result.status).toBe(200);
    expect(result.body).toEqual({ status: 'ok', checks: { database: 'ok', storage: 'ok' } });
  });

  it('answers 503 and names the storage when it cannot be used, with the error only for the operator', async () => {
    process.env.STORAGE_ROOT = '/dev/null/storage';
    process.env.CRON_SECRET = cronSecret;
    resetEnv();
    const result = await health();
    expect(result.status).toBe(503);
    expect(result.body).toEqual({ status: 'unavailable', checks: { database: 'ok', storage: 'unavailable' } });
    const detailed = await health('', { Authorization: `Bearer ${cronSecret}` });
    expect(detailed.status).toBe(503);
    expect(detailed.body.checks.storage).toMatchObject({ ok: false, service: 'disk', error: expect.stringContaining('/dev/null') });
    expect((await health('', { Authorization: 'Bearer wrong' })).status).toBe(401);
    // Basic credentials a proxy in front passes along are not a request for details.
    expect(await health('', { Authorization: 'Basic dXNlcjpwYXNz' })).toMatchObject({ status: 503, body: result.body });
  });

  it('answers 503 and names the database when it cannot be reached, without the driver message or host', async () => {
    await closeDb();
    if (process.env.TEST_DATABASE === 'postgres') process.env.DATABASE_URL = 'postgres://postgres@127.0.0.1:1/none';
    else process.env.PGLITE_DIR = '/dev/null/pglite';
    process.env.CRON_SECRET = cronSecret;
    resetEnv();
    const result = await health();
    expect(result.status).toBe(503);
    expect(result.body).toEqual({ status: 'unavailable', checks: { database: 'unavailable', storage: 'ok' } });
    const detailed = await health('', { Authorization: `Bearer ${cronSecret}` });
    expect(detailed.body.checks.database).toMatchObject({ ok: false, error: expect.any(String) });
  });

  it('runs the storage doctor for ?deep=1 only with the operator secret', async () => {
    expect((await health('?deep=1')).status).toBe(403);
    // The recruiter password is not a second key to it.
    process.env.ADMIN_PASSWORD = 'correct horse battery staple';
    resetEnv();
    expect((await health('?deep=1', { Authorization: 'Bearer correct horse battery staple' })).status).toBe(403);
    process.env.CRON_SECRET = 'cron-secret-for-tests-0123456789';
    resetEnv();
    expect((await health('?deep=1', { Authorization: 'Bearer correct horse battery staple' })).status).toBe(401);
    const refused = await health('?deep=1', { Authorization: 'Bearer wrong' });
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('unauthorized');
    const deep = await health('?deep=1', { Authorization: 'Bearer cron-secret-for-tests-0123456789' });
    expect(deep.status).toBe(200);
    expect(deep.body.storage).toEqual([expect.objectContaining({ name: 'round-trip', status: 'pass' })]);
    // The job queues and their lag: how long the oldest job ready to run has waited.
    expect(deep.body.jobs).toEqual([
      { queue: 'analyze-resume', waiting: 0, active: 0, failed: 0, deadLettered: 0, oldestWaitingSeconds: null },
      { queue: 'purge-blobs', waiting: 0, active: 0, failed: 0, deadLettered: 0, oldestWaitingSeconds: null },
      { queue: 'apply-retention', waiting: 0, active: 0, failed: 0, deadLettered: 0, oldestWaitingSeconds: null },
      { queue: 'send-mail', waiting: 0, active: 0, failed: 0, deadLettered: 0, oldestWaitingSeconds: null },
      { queue: 'queue-recruiter-digest', waiting: 0, active: 0, failed: 0, deadLettered: 0, oldestWaitingSeconds: null },
    ]);
    // How mail goes out: as files here (no SMTP_URL outside production).
    expect(deep.body.mail).toBe('files');
    const db = await getDb();
    await applyWithResume(makePdf(), { email: 'lag@example.com', first_name: 'Lag', last_name: 'Behind' });
    await db.execute(sql`update pgboss.job set created_on = now() - interval '90 seconds' where name = 'analyze-resume'`);
    const lagging = await health('?deep=1', { Authorization: 'Bearer cron-secret-for-tests-0123456789' });
    expect(lagging.body.jobs[0]).toMatchObject({ queue: 'analyze-resume', waiting: 1, oldestWaitingSeconds: expect.any(Number) });
    expect(lagging.body.jobs[0].oldestWaitingSeconds).toBeGreaterThanOrEqual(90);
  });
});
