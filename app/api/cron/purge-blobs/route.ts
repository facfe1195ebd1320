import { analyzePendingBlobs } from '@/lib/analysis/sweep';
import { purgeUnattachedBlobs } from '@/lib/blobs/purge-unattached';
import { getEnv } from '@/lib/env';
import { route } from '@/lib/http/handler';
import { assertOperatorSecret } from '@/lib/http/operator-auth';
import { pruneRateLimits } from '@/lib/http/rate-limit';

// Purge, then analyses of up to 20 s each: more than the 10 s some plans give by default.
export const maxDuration = 60;

// Stop starting analyses after this long, so the run ends well inside a serverless function's limit.
const analysisBudgetMs = 20_000;

/** Vercel Cron (GET with `Authorization: Bearer $CRON_SECRET`) or any scheduler. */
export const GET = route(async (request) => {
  assertOperatorSecret(request.headers.get('authorization'), [getEnv().CRON_SECRET], 'CRON_SECRET');
  const result = await purgeUnattachedBlobs();
  await pruneRateLimits();
  // Resumes that after() did not analyze (the process died, the function timed out).
  const analysis = await analyzePendingBlobs({ budgetMs: analysisBudgetMs });
  const failed = result.failed > 0 || analysis.errors > 0;
  return Response.json({ ...result, analysis }, { status: failed ? 503 : 200, headers: { 'Cache-Control': 'no-store' } });
});
