import 'server-only';
import { after } from 'next/server';
import { analyzeBlob } from './analyze-blob';
import { logAnalysis } from './log';

/**
 * Analyzes a newly attached blob once the response has been sent (Next.js `after()`), so the
 * applicant never waits for it. Never throws: if it cannot run, or fails, the sweep
 * (`npm run blobs:analyze`, the cron route) analyzes the blob later.
 */
export function analyzeAfterResponse(blobId: string): void {
  try {
    after(async () => {
      try {
        const report = await analyzeBlob(blobId);
        if (report) logAnalysis(report, 'after_attach');
      } catch (error) {
        console.error(`analysis: blob ${blobId}: ${(error as Error).message}; the sweep will retry`);
      }
    });
  } catch (error) {
    // Outside a request (a script, or a test calling the handler directly) there is no "after
    // the response": the sweep is what analyzes the blob then.
    if (!/outside a request scope/.test((error as Error).message)) {
      console.error(`analysis: could not schedule blob ${blobId}: ${(error as Error).message}`);
    }
  }
}
