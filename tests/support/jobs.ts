import { getBoss } from '@/lib/jobs/boss';
import { workJobs, type WorkResult } from '@/lib/jobs/work-jobs';
import { analyzeResumeJob } from '@/lib/jobs/analyze-resume';
import type { JobDefinition } from '@/lib/jobs/define-job';

/**
 * Works every job queued now (and what they queue), as a worker would, and says how it went;
 * `jobs` narrows it to those queues (the analysis tests leave the emails waiting).
 */
export function runQueuedJobs(jobs?: readonly JobDefinition<never>[]): Promise<WorkResult> {
  return workJobs({ budgetMs: 120_000, ...(jobs ? { jobs } : {}) });
}

/** Works the queued analyses only. */
export function runQueuedAnalyses(): Promise<WorkResult> {
  return runQueuedJobs([analyzeResumeJob as unknown as JobDefinition<never>]);
}

/** The analysis jobs pg-boss holds for `blobId`, in any state. */
export async function analysisJobsOf(blobId: string) {
  const boss = await getBoss();
  return boss.findJobs<{ blobId: string }>(analyzeResumeJob.name, { key: blobId });
}
