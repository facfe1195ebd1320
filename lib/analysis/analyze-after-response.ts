import 'server-only';
import { after } from 'next/server';
import { getEnv } from '@/lib/env';
import { analyzeBlob } from './analyze-blob';
import { logAnalysis } from './log';
import { requestAnalysis } from './request-analysis';

/**
 * Has a newly attached blob analyzed once the response has been sent (Next.js `after()`), so the
 * applicant never waits for it: in this process (`ANALYSIS_DISPATCH=inline`, the default), or by
 * the app's analysis route (`http`, the default on Vercel, where only that function ships PDF.js
 * and the canvas). Never throws: if it cannot run, or fails, the sweep (`npm run blobs:analyze`,
 * the analysis cron) analyzes the blob later.
 */
export function analyzeAfterResponse(blobId: string): void {
  let dispatch: 'inline' | 'http';
  try {
    dispatch = getEnv().ANALYSIS_DISPATCH;
  } catch (error) {
    console.error(`analysis: blob ${blobId}: ${(error as Error).message}; the sweep will retry`);
    return;
  }
  if (dispatch === 'inline') {
    analyzeHereAfterResponse(blobId);
    return;
  }
  // Awaited inside after(): the platform keeps the function alive until the route has the request.
  afterResponse(blobId, async () => {
    try {
      await requestAnalysis(blobId);
    } catch (error) {
      console.error(`analysis: blob ${blobId}: ${(error as Error).message}; the sweep will retry`);
    }
  });
}

/** Analyzes `blobId` in this process once the response has been sent. Never throws. */
export function analyzeHereAfterResponse(blobId: string): void {
  afterResponse(blobId, async () => {
    try {
      const report = await analyzeBlob(blobId);
      if (report) logAnalysis(report, 'after_attach');
    } catch (error) {
      console.error(`analysis: blob ${blobId}: ${(error as Error).message}; the sweep will retry`);
    }
  });
}

function afterResponse(blobId: string, task: () => Promise<void>): void {
  try {
    after(task);
  } catch (error) {
    // Outside a request (a script, or a test calling the handler directly) there is no "after
    // the response": the sweep is what analyzes the blob then.
    if (!/outside a request scope/.test((error as Error).message)) {
      console.error(`analysis: could not schedule blob ${blobId}: ${(error as Error).message}`);
    }
  }
}
