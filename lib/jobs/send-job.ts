import 'server-only';
import { sql } from 'drizzle-orm';
import { fromDrizzle } from 'pg-boss';
import type { Database } from '@/db/client';
import type { JobDefinition } from './define-job';
import { getBoss } from './boss';
import { kickJobsAfterResponse } from './kick-jobs';

export interface SendJobOptions {
  /**
   * The transaction of the data the job needs: the job exists if and only if that data commits
   * (as Rails' `after_create_commit :analyze_blob_later`, without the window between the two).
   */
  tx?: Pick<Database, 'execute'>;
  /** Dedupes with `stately` queues: one queued and one running per key. */
  singletonKey?: string;
  /** Higher runs first among waiting jobs. */
  priority?: number;
}

/**
 * Queues `job` with `payload` (checked against its schema). Returns the job's id, or null when a
 * job with the same singleton key is already waiting.
 */
export async function sendJob<Payload>(job: JobDefinition<Payload>, payload: Payload, options: SendJobOptions = {}): Promise<string | null> {
  const data = job.payload.parse(payload) as object;
  const boss = await getBoss();
  const id = await boss.send(job.name, data, {
    ...(options.tx ? { db: fromDrizzle(options.tx as never, sql as never) } : {}),
    ...(options.singletonKey ? { singletonKey: options.singletonKey } : {}),
    ...(options.priority !== undefined ? { priority: options.priority } : {}),
  });
  if (id) kickJobsAfterResponse();
  return id;
}

/**
 * Queues several jobs of one kind in one statement (pg-boss `insert`), in `options.tx` like
 * `sendJob`: one round trip where a loop of `sendJob` would take one each. `singletonKey` gives
 * each its key; one already waiting with the same key is skipped.
 */
export async function sendJobs<Payload>(
  job: JobDefinition<Payload>,
  payloads: Payload[],
  options: Pick<SendJobOptions, 'tx'> & { singletonKey?: (payload: Payload) => string } = {},
): Promise<void> {
  if (payloads.length === 0) return;
  const boss = await getBoss();
  const jobs = payloads.map((payload) => ({
    data: job.payload.parse(payload) as object,
    ...(options.singletonKey ? { singletonKey: options.singletonKey(payload) } : {}),
  }));
  await boss.insert(job.name, jobs, options.tx ? { db: fromDrizzle(options.tx as never, sql as never) } : {});
  kickJobsAfterResponse();
}
