import 'server-only';
import type { z } from 'zod';

/** What a handler knows of the attempt it runs in. */
export interface JobContext {
  jobId: string;
  /** 1 for the first run, 2 for the first retry, and so on. */
  attempt: number;
  /** No retry follows if this one fails: what fails now is dead-lettered. */
  lastAttempt: boolean;
}

/**
 * A job, declared once (as Active Job's classes are): its queue's name, the payload it takes, what
 * runs it, and how the queue treats it. Handlers are idempotent: a job may run again after a crash.
 */
export interface JobDefinition<Payload> {
  name: string;
  payload: z.ZodType<Payload>;
  handler(payload: Payload, context: JobContext): Promise<void>;
  /** Runs after the last attempt failed (thrown, timed out, or its process died): a dead letter. */
  onGiveUp?(payload: Payload, lastError: string): Promise<void>;
  /** Retries after the first attempt. */
  retryLimit: number;
  /** Seconds before the first retry; doubled (with jitter) at each one, up to `retryDelayMaxSeconds`. */
  retryDelaySeconds: number;
  retryDelayMaxSeconds: number;
  /** How long one attempt may run before it counts as failed. */
  timeoutSeconds: number;
  /**
   * A running job proves its process is alive this often; a job whose process died is retried once
   * it misses it (pg-boss waits out `timeoutSeconds` otherwise). At least 10.
   */
  heartbeatSeconds?: number;
  /** Jobs of this kind at once in one process. */
  concurrency: number;
  /** Cron expression (UTC) of a recurring job, run by pg-boss's scheduler. */
  schedule?: string;
  /**
   * `stately`: one job queued and one running per singleton key (the blob, the applicant), so a
   * second send for the same thing is dropped and two workers never run the same one at once.
   */
  policy: 'standard' | 'stately';
}

export function defineJob<Payload>(definition: JobDefinition<Payload>): JobDefinition<Payload> {
  return definition;
}

/** The dead-letter queue of a job's queue: jobs that used their last attempt. */
export function deadLetterQueue(name: string): string {
  return `${name}-dead`;
}

/** A failure worth another attempt later (the default for anything a handler throws). */
export class RetryableJobError extends Error {
  override name = 'RetryableJobError';
  constructor(readonly code: string) {
    super(code);
  }
}

/**
 * A failure no later attempt can change (a mail server refusing a recipient for good): the job is
 * dead-lettered at once, with `code` as its last error, instead of retried.
 */
export class PermanentJobError extends Error {
  override name = 'PermanentJobError';
  constructor(readonly code: string) {
    super(code);
  }
}
