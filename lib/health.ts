import 'server-only';
import { sql } from 'drizzle-orm';
import { getDb } from '@/lib/database';
import { getEnv } from '@/lib/env';
import { assertOperatorSecret } from '@/lib/http/operator-auth';
import { getStorage } from '@/lib/storage';
import { checkStorage, type CheckResult } from '@/lib/storage/doctor';
import { getJobsStatus, type QueueStatus } from '@/lib/jobs/status';
import { mailMode, type MailMode } from '@/lib/mail/mode';

interface Probe {
  ok: boolean;
  ms: number;
  error?: string;
}

async function probe(check: () => Promise<unknown>): Promise<Probe> {
  const started = performance.now();
  try {
    await check();
    return { ok: true, ms: Math.round(performance.now() - started) };
  } catch (error) {
    return { ok: false, ms: Math.round(performance.now() - started), error: (error as Error).message.split('\n')[0] };
  }
}

/**
 * Cheap enough for a load balancer: one `select 1` and one bucket HEAD (or a folder check). Anyone
 * may ask, so the public answer says only ok or unavailable per check; the operator (Bearer
 * CRON_SECRET) also gets timings and the error text, which name hosts and drivers and always go to
 * the log.
 */
export async function checkHealth(authorization: string | null) {
  const env = getEnv();
  // Only a Bearer token asks for details: Basic credentials from a proxy in front must not break
  // the load balancer's check.
  const detailed = /^Bearer\s/i.test(authorization ?? '');
  if (detailed) assertOperatorSecret(authorization, [env.CRON_SECRET], 'CRON_SECRET');
  const [database, storage] = await Promise.all([
    probe(async () => (await getDb()).execute(sql`select 1`)),
    probe(() => getStorage().ping()),
  ]);
  for (const [name, result] of Object.entries({ database, storage })) {
    if (result.error) console.error(`health: ${name} unavailable: ${result.error}`);
  }
  const ok = database.ok && storage.ok;
  const word = (check: Probe) => (check.ok ? 'ok' : 'unavailable');
  const checks = detailed
    ? { database, storage: { service: env.STORAGE_SERVICE, ...storage } }
    : { database: word(database), storage: word(storage) };
  return { ok, body: { status: ok ? 'ok' : 'unavailable', checks } };
}

/**
 * The storage doctor over HTTP, and the job queues (their lag: how long the oldest ready job has
 * waited). It writes a probe object, so it takes the operator's secret.
 */
export async function checkHealthDeep(
  authorization: string | null,
): Promise<{ ok: boolean; checks: CheckResult[]; jobs: QueueStatus[] | { error: string }; mail: MailMode }> {
  const env = getEnv();
  assertOperatorSecret(authorization, [env.CRON_SECRET], 'CRON_SECRET');
  const [checks, jobs] = await Promise.all([
    checkStorage(env),
    getJobsStatus().catch((error: unknown) => ({ error: (error as Error).name })),
  ]);
  // `off` (production without SMTP_URL) is a choice, not a failure: said, and the check stays ok.
  return { ok: checks.every((check) => check.status !== 'fail') && !('error' in jobs), checks, jobs, mail: mailMode(env) };
}
