import 'server-only';
import { analyzeResumeJob } from './analyze-resume';
import { applyRetentionJob } from './apply-retention';
import type { JobDefinition } from './define-job';
import { purgeBlobsJob } from './purge-blobs';
import { queueRecruiterDigestJob } from './queue-recruiter-digest';
import { sendMailJob } from './send-mail';

/** Every job of the app: the queues are made from this list, and workers run what it holds. */
export const allJobs: readonly JobDefinition<never>[] = [analyzeResumeJob, purgeBlobsJob, applyRetentionJob, sendMailJob, queueRecruiterDigestJob] as unknown as JobDefinition<never>[];

export function findJob(name: string): JobDefinition<never> | undefined {
  return allJobs.find((job) => job.name === name);
}
