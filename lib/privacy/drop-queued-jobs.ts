import 'server-only';
import { getBoss } from '@/lib/jobs/boss';
import { allJobs } from '@/lib/jobs/registry';

/**
 * Deletes the jobs still waiting (queued or waiting for a retry) whose singleton key is one of
 * `keys`, in every queue: an erased applicant's analysis, and any email about them, is never run.
 * Jobs already running are left to finish: each re-reads its rows and finds nothing.
 */
export async function dropQueuedJobs(keys: readonly string[]): Promise<number> {
  const boss = await getBoss();
  let dropped = 0;
  for (const job of allJobs) {
    for (const key of keys) {
      const waiting = await boss.findJobs(job.name, { key, queued: true });
      if (waiting.length === 0) continue;
      await boss.deleteJob(
        job.name,
        waiting.map((found) => found.id),
      );
      dropped += waiting.length;
    }
  }
  return dropped;
}
