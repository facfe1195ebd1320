import 'server-only';
import { timingSafeEqual } from 'node:crypto';
import { appError } from './errors';

/**
 * Operator-only endpoints (cron jobs, deep health checks) take a configured secret as a bearer
 * token, compared in constant time. With no secret configured the endpoint is off (403).
 */
export function assertOperatorSecret(authorization: string | null, secrets: (string | undefined)[], variable: string): void {
  const configured = secrets.filter((secret): secret is string => Boolean(secret));
  if (configured.length === 0) {
    throw appError('endpoint_disabled', { message: `This endpoint is disabled: set ${variable} to enable it.` });
  }
  const presented = Buffer.from(authorization?.replace(/^Bearer\s+/i, '') ?? '');
  const allowed = configured.some((secret) => {
    const expected = Buffer.from(secret);
    return expected.length === presented.length && timingSafeEqual(expected, presented);
  });
  if (!allowed) {
    throw appError('unauthorized', { message: `Send Authorization: Bearer <${variable}>.`, headers: { 'WWW-Authenticate': 'Bearer' } });
  }
}
