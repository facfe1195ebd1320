import { getBoss } from '@/lib/jobs/boss';
import { workJobs, type WorkResult } from '@/lib/jobs/work-jobs';
import { analyzeResumeJob } from '@/lib/jobs/analyze-resume';

/** Works every job queued now (and what they queue), as a worker would, and says how it went. */
export function runQueuedJobs(): Promise<WorkResult> {
  return workJobs({ budgetMs: 120_000 });
}

/** The analysis jobs pg-boss holds for `blobId`, in any state. */
export async function analysisJobsOf(blobId: string) {
  const boss = await getBoss();
  return boss.findJobs<{ blobId: string }>(analyzeResumeJob.name, { key: blobId });
}
