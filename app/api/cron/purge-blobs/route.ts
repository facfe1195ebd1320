import { purgeUnattachedBlobs } from '@/lib/blobs/purge-unattached';
import { getEnv } from '@/lib/env';
import { route } from '@/lib/http/handler';
import { assertOperatorSecret } from '@/lib/http/operator-auth';
import { pruneRateLimits } from '@/lib/http/rate-limit';

/**
 * Vercel Cron (GET with `Authorization: Bearer $CRON_SECRET`) or any scheduler. Resumes left
 * unanalyzed are the analysis cron's (GET /api/analysis), whose function ships PDF.js.
 */
export const GET = route(async (request) => {
  assertOperatorSecret(request.headers.get('authorization'), [getEnv().CRON_SECRET], 'CRON_SECRET');
  const result = await purgeUnattachedBlobs();
  await pruneRateLimits();
  return Response.json(result, { status: result.failed > 0 ? 503 : 200, headers: { 'Cache-Control': 'no-store' } });
});
