import 'server-only';
import { sql } from 'drizzle-orm';
import { getDb } from '@/lib/database';
import { deadLetterQueue } from './define-job';
import { getBoss, jobsSchema } from './boss';
import { allJobs } from './registry';

export interface QueueStatus {
  queue: string;
  waiting: number;
  active: number;
  /** Failed for good (their last attempt), kept for pg-boss's retention. */
  failed: number;
  /** In the dead-letter queue: jobs given up on, kept 30 days. */
  deadLettered: number;
  /** Seconds the oldest job ready to run has waited; null when none waits. */
  oldestWaitingSeconds: number | null;
}

/**
 * Per queue: what waits, runs, failed and was dead-lettered, and how late the queue is. Read from
 * pg-boss's job table at once (its own statistics are cached for up to a minute).
 */
export async function getJobsStatus(): Promise<QueueStatus[]> {
  await getBoss();
  const db = await getDb();
  const names = allJobs.flatMap((job) => [job.name, deadLetterQueue(job.name)]);
  const result: unknown = await db.execute(sql`
    select name,
           count(*) filter (where state in ('created', 'retry'))::int as waiting,
           count(*) filter (where state = 'active')::int as active,
           count(*) filter (where state = 'failed')::int as failed,
           count(*)::int as total,
           extract(epoch from now() - min(created_on) filter (where state in ('created', 'retry') and start_after <= now()))::float8 as oldest
    from ${sql.raw(`${jobsSchema}.job`)}
    where name in (${sql.join(names.map((name) => sql`${name}`), sql`, `)})
    group by name`);
  const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as {
    name: string;
    waiting: number;
    active: number;
    failed: number;
    total: number;
    oldest: number | null;
  }[];
  const byName = new Map(rows.map((row) => [row.name, row]));
  return allJobs.map((job) => {
    const row = byName.get(job.name);
    return {
      queue: job.name,
      waiting: row?.waiting ?? 0,
      active: row?.active ?? 0,
      failed: row?.failed ?? 0,
      deadLettered: byName.get(deadLetterQueue(job.name))?.total ?? 0,
      oldestWaitingSeconds: row?.oldest === null || row?.oldest === undefined ? null : Math.max(0, Math.round(row.oldest)),
    };
  });
}

/**
 * Of `keys` (the singleton keys of a queue's jobs: blob ids for the analysis), those whose job is
 * running now: what the recruiter's list shows as "Analyzing". One indexed read of pg-boss's table.
 */
export async function runningJobKeys(queue: string, keys: string[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  // pg-boss makes its schema on start: the table exists from then on.
  await getBoss();
  const db = await getDb();
  const result: unknown = await db.execute(sql`
    select singleton_key from ${sql.raw(`${jobsSchema}.job`)}
    where name = ${queue} and state = 'active' and singleton_key in (${sql.join(keys.map((key) => sql`${key}`), sql`, `)})`);
  // node-postgres answers a result with rows; PGlite's driver the rows themselves.
  const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as { singleton_key: string }[];
  return new Set(rows.map((row) => row.singleton_key));
}
