// The contract of POST /api/analysis: the app calls itself there (lib/analysis/request-analysis.ts)
// so that only that function carries PDF.js and the canvas. Not a public endpoint: the token is one
// only this app signs.
import { z } from 'zod';

export const analysisRequestSchema = z.strictObject({
  token: z.string({ error: 'token is required' }).min(1, 'token is required').max(4096),
});

export type AnalysisRequest = z.infer<typeof analysisRequestSchema>;

/** The 202 answer: the blob is analyzed after it, if it still needs analysis. */
export interface AnalysisAccepted {
  status: 'accepted';
}
