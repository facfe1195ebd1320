import { analyzeHereAfterResponse } from '@/lib/analysis/analyze-after-response';
import { acceptAnalysisRequest } from '@/lib/analysis/analysis-request';
import { analyzePendingBlobs } from '@/lib/analysis/sweep';
import type { AnalysisAccepted } from '@/lib/contract/analysis';
import { getEnv } from '@/lib/env';
import { route } from '@/lib/http/handler';
import { assertOperatorSecret } from '@/lib/http/operator-auth';

// The one function that ships PDF.js and the canvas (next.config.ts). One analysis takes up to
// 20 s, more than the 10 s some plans give by default. No other route sets 60: Vercel puts routes
// with the same settings into one function, which would then carry these 40 MB too.
export const maxDuration = 60;

// Stop starting analyses after this long, so the sweep ends well inside maxDuration.
const sweepBudgetMs = 20_000;

const noStore = { 'Cache-Control': 'no-store' };

/** The app itself, after POST /api/users (ANALYSIS_DISPATCH=http): 202 now, the analysis after it. */
export const POST = route(async (request) => {
  const blobId = await acceptAnalysisRequest(request);
  analyzeHereAfterResponse(blobId);
  const body: AnalysisAccepted = { status: 'accepted' };
  return Response.json(body, { status: 202, headers: noStore });
});

/** Vercel Cron (GET with `Authorization: Bearer $CRON_SECRET`) or any scheduler: the resumes after() missed. */
export const GET = route(async (request) => {
  assertOperatorSecret(request.headers.get('authorization'), [getEnv().CRON_SECRET], 'CRON_SECRET');
  const result = await analyzePendingBlobs({ budgetMs: sweepBudgetMs });
  return Response.json(result, { status: result.errors > 0 ? 503 : 200, headers: noStore });
});
