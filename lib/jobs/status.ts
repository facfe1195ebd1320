import 'server-only';
import { sql } from 'drizzle-orm';
import { getDb } from '@/lib/db';
import { deadLetterQueue } from './define-job';
import { getBoss, jobsSchema } from './boss';
import { allJobs } from './registry';

export interface QueueStatus {
  queue: string;
  waiting: number;
  active: number;
  /** Failed for good (their last attempt), kept for pg-boss's retention. */
  failed: number;
  /** In the dead-letter queue: jobs given up on, kept 30 days (counted up to 1,000). */
  deadLettered: number;
  /** Seconds the oldest job ready to run has waited; null when none waits. */
  oldestWaitingSeconds: number | null;
}

/** Per queue: what waits, runs, failed and was dead-lettered, and how late the queue is. */
export async function getJobsStatus(): Promise<QueueStatus[]> {
  const boss = await getBoss();
  const statuses: QueueStatus[] = [];
  for (const job of allJobs) {
    const [stats] = await boss.getQueueStats(job.name, { force: true });
    // Dead letters of a job that records giving up are completed at once: counted whatever their state.
    const dead = await boss.findJobs(deadLetterQueue(job.name), { limit: 1000 });
    const [oldest] = await boss.findJobs(job.name, { queued: true, limit: 1 });
    const ready = oldest && new Date(oldest.startAfter).getTime() <= Date.now();
    statuses.push({
      queue: job.name,
      waiting: stats?.queuedCount ?? 0,
      active: stats?.activeCount ?? 0,
      failed: stats?.failedCount ?? 0,
      deadLettered: dead.length,
      oldestWaitingSeconds: ready ? Math.max(0, Math.round((Date.now() - new Date(oldest.createdOn).getTime()) / 1000)) : null,
    });
  }
  return statuses;
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
