import 'server-only';
import type { JobWithMetadata } from 'pg-boss';
import { sql } from 'drizzle-orm';
import { findPgError } from '@/db/client';
import { getDb } from '@/lib/database';
import { getEnv } from '@/lib/env';
import { PermanentJobError, RetryableJobError, type JobDefinition } from './define-job';
import { jobsSchema } from './boss';

export type JobRun = { ok: true } | { ok: false; error: Error };

/**
 * Runs one job's handler and says how it went, for pg-boss to settle: completed, or failed with an
 * error that names what went wrong but carries no message (a database error's message holds the
 * statement's values; an analyzer's, text from the file), since it is stored and shown.
 */
export async function runJob(job: JobDefinition<never>, fetched: JobWithMetadata<unknown>): Promise<JobRun> {
  const payload = job.payload.safeParse(fetched.data);
  if (!payload.success) {
    // A payload no handler can use never will: discarded (Active Job's discard_on), and said.
    logJob('error', job.name, fetched, { outcome: 'discarded', error: 'invalid_payload' });
    return { ok: true };
  }
  const started = performance.now();
  try {
    await job.handler(payload.data, {
      jobId: fetched.id,
      attempt: fetched.retryCount + 1,
      lastAttempt: fetched.retryCount >= fetched.retryLimit,
    });
    return { ok: true };
  } catch (error) {
    const code = failureCode(error);
    if (error instanceof PermanentJobError) await endRetries(job.name, fetched.id);
    logJob('warn', job.name, fetched, { outcome: 'failed', error: code, duration_ms: Math.round(performance.now() - started) });
    return { ok: false, error: Object.assign(new Error(code), { name: 'JobFailed', stack: undefined }) };
  }
}

/**
 * Makes the running attempt the last, so that failing it dead-letters the job now. pg-boss decides
 * between retry and dead letter from the job's own row when it is failed, by either path that runs
 * jobs (its workers, or fetch and fail).
 */
async function endRetries(name: string, id: string): Promise<void> {
  const db = await getDb();
  await db.execute(sql`update ${sql.raw(`${jobsSchema}.job`)} set retry_limit = retry_count where name = ${name} and id = ${id}::uuid and state = 'active'`);
}

/** What a failure was, in a word that is safe to store and log. */
export function failureCode(error: unknown): string {
  if (error instanceof RetryableJobError || error instanceof PermanentJobError) return error.code;
  const pgCode = findPgError(error)?.code;
  if (pgCode) return `database_${pgCode}`;
  if (error instanceof Error) return error.name === 'Error' ? 'error' : error.name;
  return 'error';
}

/** The last failure of a dead-lettered job, from what pg-boss kept of it. */
export function lastFailureOf(output: unknown): string {
  const message =
    (output as { message?: unknown } | null)?.message ?? (output as { value?: { message?: unknown } } | null)?.value?.message;
  if (message === 'job heartbeat timeout') return 'worker_died';
  if (message === 'job timed out') return 'job_timeout';
  return typeof message === 'string' && /^[\w.-]{1,64}$/.test(message) ? message : 'unknown';
}

export function logJob(level: 'info' | 'warn' | 'error', name: string, job: { id: string; retryCount: number }, fields: Record<string, unknown>): void {
  if (getEnv().NODE_ENV === 'test') return;
  const line = { time: new Date().toISOString(), level, event: 'job', queue: name, job_id: job.id, attempt: job.retryCount + 1, ...fields };
  console[level === 'info' ? 'log' : level](JSON.stringify(line));
}
