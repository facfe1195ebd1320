// A worker whose analysis kills its own process, as a native crash in the PDF decoder or the canvas
// would: the real analyze-resume declaration (queue, retries, heartbeat, timeout), its handler
// replaced by one that appends a line to CRASH_MARKER_FILE and SIGKILLs this process. It does not
// work the dead-letter queue: what the queue does with a job whose process died is left to pg-boss
// and to a normal worker (tests/jobs-faults/crashing-handler.test.ts).
import '../../scripts/cli-env';
import { appendFileSync } from 'node:fs';
import { analyzeResumeJob } from '@/lib/jobs/analyze-resume';
import { setJobsRole } from '@/lib/jobs/boss';
import type { JobDefinition } from '@/lib/jobs/define-job';
import { startWorkers } from '@/lib/jobs/worker';

const marker = process.env.CRASH_MARKER_FILE;
if (!marker) throw new Error('CRASH_MARKER_FILE is required');

const crashing: JobDefinition<{ blobId: string }> = {
  ...analyzeResumeJob,
  onGiveUp: undefined,
  async handler({ blobId }, { attempt }) {
    appendFileSync(marker, `${JSON.stringify({ pid: process.pid, blobId, attempt })}\n`);
    process.kill(process.pid, 'SIGKILL');
    await new Promise(() => undefined);
  },
};

async function main() {
  await setJobsRole('worker');
  await startWorkers([crashing as unknown as JobDefinition<never>]);
  console.log(`crashing worker started (pid ${process.pid})`);
}

main().catch((error: unknown) => {
  console.error(`crashing worker failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
