import 'server-only';
import type { PgBoss } from 'pg-boss';
import { deadLetterQueue, type JobDefinition } from './define-job';
import { getBoss } from './boss';
import { allJobs } from './registry';
import { logJob, runJob } from './run-job';
import { giveUp } from './worker';

export interface WorkResult {
  completed: number;
  failed: number;
  /** Jobs still waiting (ready, or due later) when the budget ran out; false when it did not. */
  left: boolean;
}

/**
 * Works the queues for at most `budgetMs` (no new job starts after it) and returns when they are
 * empty or the budget is spent: the Vercel jobs route and cron, and `npm run jobs:work -- --once`.
 * The same handlers as the long-running workers, fetched one at a time, highest priority first,
 * with the heartbeat kept while each runs.
 */
export async function workJobs({
  budgetMs,
  jobs = allJobs,
}: { budgetMs: number; jobs?: readonly JobDefinition<never>[] }): Promise<WorkResult> {
  const boss = await getBoss();
  const started = performance.now();
  const result: WorkResult = { completed: 0, failed: 0, left: false };
  for (;;) {
    let worked = false;
    for (const job of jobs) {
      if (performance.now() - started > budgetMs) {
        result.left = await anyReady(boss, jobs);
        return result;
      }
      worked = (await workOne(boss, job, result)) || worked;
      if (job.onGiveUp) worked = (await workDeadLetter(boss, job)) || worked;
    }
    if (!worked) return result;
  }
}

async function workOne(boss: PgBoss, job: JobDefinition<never>, result: WorkResult): Promise<boolean> {
  const [fetched] = await boss.fetch<unknown>(job.name, { batchSize: 1, includeMetadata: true });
  if (!fetched) return false;
  const heartbeat = job.heartbeatSeconds
    ? setInterval(() => void boss.touch(job.name, fetched).catch(() => undefined), (job.heartbeatSeconds * 1000) / 2)
    : undefined;
  try {
    const run = await runJob(job, fetched);
    if (run.ok) {
      await boss.complete(job.name, fetched);
      result.completed += 1;
    } else {
      await boss.fail(job.name, fetched, run.error);
      result.failed += 1;
    }
  } finally {
    clearInterval(heartbeat);
  }
  return true;
}

async function workDeadLetter(boss: PgBoss, job: JobDefinition<never>): Promise<boolean> {
  const name = deadLetterQueue(job.name);
  const [dead] = await boss.fetch<unknown>(name, { batchSize: 1, includeMetadata: true });
  if (!dead) return false;
  try {
    await giveUp(job, dead);
    await boss.complete(name, dead);
  } catch (error) {
    logJob('error', name, dead, { outcome: 'failed', error: (error as Error).name });
    await boss.fail(name, dead, new Error('give_up_failed'));
  }
  return true;
}

async function anyReady(boss: PgBoss, jobs: readonly JobDefinition<never>[]): Promise<boolean> {
  for (const job of jobs) {
    if ((await boss.findJobs(job.name, { queued: true, limit: 1 })).length > 0) return true;
  }
  return false;
}
