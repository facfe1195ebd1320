import 'server-only';
import { appError } from '@/lib/http/errors';
import { signToken, TokenError, verifyToken } from '@/lib/signed-token';

/**
 * "Work the queues now", from the app to its own jobs route right after it sent a job (Vercel): a
 * minute is plenty, and the token names nothing and grants nothing but running what is queued.
 */
export const jobsTokenSeconds = 60;

export function signJobsToken(expiresInSeconds = jobsTokenSeconds): Promise<string> {
  return signToken('jobs_kick', {}, expiresInSeconds);
}

/** `invalid_jobs_token` or `jobs_token_expired` unless `token` is a live jobs token. */
export async function verifyJobsToken(token: string): Promise<void> {
  try {
    await verifyToken('jobs_kick', token);
  } catch (error) {
    if (error instanceof TokenError && error.reason === 'expired') throw appError('jobs_token_expired');
    throw appError('invalid_jobs_token');
  }
}
