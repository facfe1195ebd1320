import 'server-only';
import { getEnv } from '@/lib/env';
import { backfillAnalysis } from './backfill-analysis';
import { startWorkers } from './worker';

// Long enough for `next start` to answer its first request (~0.5 s on Postgres, ~1.5 s on PGlite
// here) before pg-boss starts on the same two cores.
const startDelayMs = 2_000;

/**
 * The in-process worker (JOBS_IN_PROCESS, the default everywhere but Vercel): started a moment
 * after the server is up, never awaited by it, so it never delays the first request. If it cannot
 * start (the database is down), it says so and tries again.
 */
export function startInProcessWorkerSoon(delayMs = startDelayMs): void {
  if (!getEnv().JOBS_IN_PROCESS) return;
  const timer = setTimeout(() => {
    startWorkers()
      .then(() => backfillAnalysis())
      .catch((error: unknown) => {
        console.error(`jobs: the in-process worker could not start (${(error as Error).name}); trying again in 30 s`);
        startInProcessWorkerSoon(30_000);
      });
  }, delayMs);
  timer.unref();
}
