import 'server-only';
import { sql } from 'drizzle-orm';
import { fromDrizzle, fromPglite, PgBoss, type ConstructorOptions } from 'pg-boss';
import { poolTls } from '@/db/client';
import { beforeDatabaseClose, getDatabaseHandle } from '@/lib/database';
import { getEnv } from '@/lib/env';
import { deadLetterQueue } from './define-job';
import { allJobs } from './registry';

/** pg-boss's tables live in their own schema, beside the app's. */
export const jobsSchema = 'pgboss';

/**
 * `worker`: this process runs jobs (the in-process worker, `npm run jobs:work`, the Vercel jobs
 * route): pg-boss supervises (expiry, dead workers, retention) and fires the schedules, and has a
 * pool of its own with LISTEN/NOTIFY so a new job starts at once. `sender`: it only sends jobs,
 * through the app's own pool (no connections of its own, Vercel's pool handling applies).
 */
export type JobsRole = 'worker' | 'sender';

const store = globalThis as typeof globalThis & {
  __resumeDropJobsRole?: JobsRole;
  __resumeDropBoss?: Promise<PgBoss>;
};

/**
 * Declares what this process does with jobs. A queue already started in the other role is stopped
 * first, so the next use starts it anew (one `next start` serving both the jobs route and the rest).
 */
export async function setJobsRole(role: JobsRole): Promise<void> {
  if (getJobsRole() === role) {
    store.__resumeDropJobsRole = role;
    return;
  }
  await stopBoss();
  store.__resumeDropJobsRole = role;
}

export function getJobsRole(): JobsRole {
  return store.__resumeDropJobsRole ?? (getEnv().JOBS_IN_PROCESS ? 'worker' : 'sender');
}

/** The process's started pg-boss, its schema and queues made on first use. */
export function getBoss(): Promise<PgBoss> {
  store.__resumeDropBoss ??= startBoss().catch((error: unknown) => {
    store.__resumeDropBoss = undefined;
    throw error;
  });
  return store.__resumeDropBoss;
}

/** Stops pg-boss (its workers first, each job it runs finished or abandoned to a retry). */
export async function stopBoss(): Promise<void> {
  const pending = store.__resumeDropBoss;
  store.__resumeDropBoss = undefined;
  if (!pending) return;
  const boss = await pending.catch(() => null);
  await boss?.stop({ graceful: true, close: true, timeout: 10_000 });
}

/**
 * How a worker's pg-boss connects: a small pool of its own (LISTEN needs a connection it keeps),
 * with the TLS options of the app's pool, so that PGSSLROOTCERT is verified here too.
 */
export function workerConnection(env: { DATABASE_URL?: string | undefined; PGSSLROOTCERT?: string | undefined }): ConstructorOptions {
  return { connectionString: env.DATABASE_URL, max: 3, application_name: 'resume-drop-jobs', useListenNotify: true, ...poolTls(env) };
}

async function startBoss(): Promise<PgBoss> {
  const env = getEnv();
  const handle = await getDatabaseHandle();
  const worker = getJobsRole() === 'worker';
  const common: ConstructorOptions = {
    schema: jobsSchema,
    supervise: worker,
    schedule: worker,
    // A dead worker's job is noticed by the supervisor: every 10 s, so that a heartbeat missed
    // (10 s) is retried within about 20 s.
    superviseIntervalSeconds: 10,
    monitorIntervalSeconds: 10,
    registerInstance: worker,
    openTelemetry: { enabled: false },
  };
  const connection: ConstructorOptions = handle.pglite
    ? { db: fromPglite(handle.pglite), backend: 'pglite', useListenNotify: worker }
    : worker
      ? workerConnection(env)
      : { db: fromDrizzle(handle.db as never, sql as never) };
  const boss = new PgBoss({ ...common, ...connection });
  // pg-boss reports trouble it recovers from (a lost connection, a slow query) as events.
  boss.on('error', (error) => console.error(`jobs: ${error.name}${'code' in error ? ` ${String(error.code)}` : ''}`));
  await boss.start();
  await createQueues(boss);
  beforeDatabaseClose(stopBoss);
  return boss;
}

/** Makes (or brings up to date) every job's queue and dead-letter queue, and its schedule. */
async function createQueues(boss: PgBoss): Promise<void> {
  const existing = new Set((await boss.getQueues()).map((queue) => queue.name));
  for (const job of allJobs) {
    const dead = deadLetterQueue(job.name);
    const deadOptions = { retentionSeconds: 30 * 24 * 3600, deleteAfterSeconds: 30 * 24 * 3600 };
    if (!existing.has(dead)) await boss.createQueue(dead, deadOptions);
    const options = {
      policy: job.policy,
      retryLimit: job.retryLimit,
      retryDelay: job.retryDelaySeconds,
      retryBackoff: true,
      retryDelayMax: job.retryDelayMaxSeconds,
      expireInSeconds: job.timeoutSeconds,
      ...(job.heartbeatSeconds ? { heartbeatSeconds: job.heartbeatSeconds } : {}),
      deadLetter: dead,
      notify: true,
    };
    if (existing.has(job.name)) {
      const { policy: _policy, heartbeatSeconds: _heartbeat, ...changeable } = options;
      await boss.updateQueue(job.name, changeable);
    } else {
      await boss.createQueue(job.name, options);
    }
    if (job.schedule && getJobsRole() === 'worker') await boss.schedule(job.name, job.schedule, {}, { tz: 'UTC', missed: 'once' });
  }
}
