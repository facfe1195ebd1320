// npm run jobs:work [-- --once]: this process works the job queue until SIGTERM or SIGINT (Heroku's
// worker dyno, or any host); --once works what is queued now and exits (a scheduler's cron).
import './cli-env';
import { closeDb } from '@/lib/database';
import { setJobsRole } from '@/lib/jobs/boss';
import { backfillAnalysis } from '@/lib/jobs/backfill-analysis';
import { workJobs } from '@/lib/jobs/work-jobs';
import { startWorkers } from '@/lib/jobs/worker';

async function main() {
  await setJobsRole('worker');
  if (process.argv.includes('--once')) {
    await backfillAnalysis();
    const result = await workJobs({ budgetMs: Number.POSITIVE_INFINITY });
    console.log(`Worked the queue: ${result.completed} job(s) completed, ${result.failed} failed (retried later or dead-lettered).`);
    await closeDb();
    return;
  }
  await startWorkers();
  const queued = await backfillAnalysis();
  console.log(`jobs: worker started (pid ${process.pid})${queued ? `; queued ${queued} resume(s) attached before the job queue` : ''}`);
  const stop = (signal: string) => {
    console.log(`jobs: ${signal}, finishing the jobs in hand`);
    // Jobs still running after pg-boss's grace period are retried elsewhere once they expire.
    closeDb().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

main().catch(async (error: unknown) => {
  console.error(`jobs:work failed: ${error instanceof Error ? error.message : String(error)}`);
  await closeDb().catch(() => undefined);
  process.exit(1);
});
