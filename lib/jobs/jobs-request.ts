import 'server-only';
import { getEnv } from '@/lib/env';
import { assertOperatorSecret } from '@/lib/http/operator-auth';
import { verifyJobsToken } from './jobs-token';
import { setJobsRole } from './boss';

/**
 * Who may make the jobs route work: the app itself right after a send (a jobs token), or the cron
 * and the operator (Bearer CRON_SECRET). Either way the process works jobs from then on.
 */
export async function acceptJobsRequest(request: Request, from: 'app' | 'cron'): Promise<void> {
  const authorization = request.headers.get('authorization');
  if (from === 'app') await verifyJobsToken(authorization?.replace(/^Bearer\s+/i, '') ?? '');
  else assertOperatorSecret(authorization, [getEnv().CRON_SECRET], 'CRON_SECRET');
  await setJobsRole('worker');
}
