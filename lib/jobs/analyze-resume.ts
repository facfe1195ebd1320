import 'server-only';
import { z } from 'zod';
import { analyzeBlob, recordAnalysisGivenUp } from '@/lib/analysis/analyze-blob';
import { logAnalysis } from '@/lib/analysis/log';
import { defaultLimits } from '@/lib/analysis/run-analysis-worker';
import { defineJob } from './define-job';

const retryLimit = 2;

/**
 * Analyzes one attached resume (lib/analysis): sent in the transaction that attaches it. Three
 * attempts; the heartbeat lets a restarted worker take over a job whose process died within about
 * 20 s, and the timeout is well past the analyzer's own ceiling (20 s) plus reading the file.
 */
export const analyzeResumeJob = defineJob({
  name: 'analyze-resume',
  payload: z.object({ blobId: z.uuid() }),
  async handler({ blobId }) {
    const report = await analyzeBlob(blobId);
    if (report) logAnalysis(report);
  },
  async onGiveUp({ blobId }, lastError) {
    await recordAnalysisGivenUp(blobId, retryLimit + 1, lastError);
  },
  retryLimit,
  retryDelaySeconds: 5,
  retryDelayMaxSeconds: 300,
  timeoutSeconds: Math.ceil(defaultLimits.timeoutMs / 1000) * 3,
  heartbeatSeconds: 10,
  // One PDF analysis at a time per process: the memory ceiling watches the whole process.
  concurrency: 1,
  policy: 'stately',
});
