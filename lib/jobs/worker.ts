import 'server-only';
import type { JobWithMetadata, PgBoss } from 'pg-boss';
import { deadLetterQueue, type JobDefinition } from './define-job';
import { getBoss } from './boss';
import { allJobs } from './registry';
import { lastFailureOf, logJob, runJob } from './run-job';

/** How often an idle worker looks for work when no notification woke it. */
const pollingIntervalSeconds = 2;

/**
 * Starts this process's workers: each job's queue with its concurrency, and the dead-letter queue
 * of each job that records giving up. pg-boss keeps each running job's heartbeat and settles it.
 */
export async function startWorkers(jobs: readonly JobDefinition<never>[] = allJobs): Promise<PgBoss> {
  const boss = await getBoss();
  // With LISTEN/NOTIFY on, pg-boss waits notifyPollingIntervalSeconds (30 s by default) between
  // fetches unless a send wakes the worker: a backlog would drain at one job per 30 s, and a retry
  // that comes due sends no notification. So the backstop is the same 2 s, and a worker that got a
  // job looks again as soon as it is done.
  const polling = { pollingIntervalSeconds, notifyPollingIntervalSeconds: pollingIntervalSeconds };
  for (const job of jobs) {
    const ids: { work?: string; dead?: string } = {};
    ids.work = await boss.work(
      job.name,
      { localConcurrency: job.concurrency, batchSize: 1, includeMetadata: true, ...polling },
      async ([fetched]: JobWithMetadata<unknown>[]) => {
        if (!fetched) return;
        if (ids.work) boss.notifyWorker(ids.work);
        const run = await runJob(job, fetched);
        if (!run.ok) throw run.error;
      },
    );
    if (job.onGiveUp) {
      ids.dead = await boss.work(
        deadLetterQueue(job.name),
        { batchSize: 1, includeMetadata: true, ...polling },
        async ([fetched]: JobWithMetadata<unknown>[]) => {
          if (!fetched) return;
          if (ids.dead) boss.notifyWorker(ids.dead);
          await giveUp(job, fetched);
        },
      );
    }
  }
  return boss;
}

/** A dead letter: the job's last attempt failed. Its `onGiveUp` records that for good. */
export async function giveUp(job: JobDefinition<never>, dead: JobWithMetadata<unknown>): Promise<void> {
  const payload = job.payload.safeParse(dead.data);
  if (!payload.success || !job.onGiveUp) return;
  const lastError = lastFailureOf(dead.sourceOutput);
  logJob('error', job.name, { id: dead.sourceId ?? dead.id, retryCount: dead.sourceRetryCount ?? 0 }, { outcome: 'gave_up', error: lastError });
  await job.onGiveUp(payload.data, lastError);
}
