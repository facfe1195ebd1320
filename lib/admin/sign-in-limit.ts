import 'server-only';
import { getEnv } from '@/lib/env';
import { clientAddress, countHits, rateLimited, uncountHits, type WindowCount } from '@/lib/http/rate-limit';

const globalKey = 'admin-sign-in:*';

export interface SignInAttempt {
  /** The password was right: the attempt is not a failure, so it stops counting. */
  succeeded(): Promise<void>;
}

/**
 * Counts a sign-in attempt per address and for all addresses before the password is looked at,
 * so that concurrent guesses cannot slip past the limit (429 past either). Refused and successful
 * attempts are taken back: the counters hold failures only, and an address knocking while locked
 * cannot push everyone over the global ceiling.
 */
export async function beginSignInAttempt(request: Request): Promise<SignInAttempt> {
  const env = getEnv();
  const addressKey = `admin-sign-in:${clientAddress(request, env.TRUSTED_PROXY_HOPS)}`;
  const counted = await countHits([addressKey, globalKey], env.ADMIN_SIGN_IN_WINDOW_SECONDS);
  const limits: Record<string, number> = { [addressKey]: env.ADMIN_SIGN_IN_FAILURES, [globalKey]: env.ADMIN_SIGN_IN_FAILURES_GLOBAL };
  const exceeded = counted.filter((counter: WindowCount) => counter.count > (limits[counter.key] ?? 0));
  if (exceeded.length > 0) {
    await uncountHits(counted);
    const retryAfter = Math.max(...exceeded.map((counter) => counter.retryAfter));
    if (exceeded.some((counter) => counter.key === globalKey)) {
      console.warn(`admin sign-in: more than ${env.ADMIN_SIGN_IN_FAILURES_GLOBAL} failed sign-ins in this window; all sign-ins refused for ${retryAfter} s`);
    }
    throw rateLimited(`Too many failed sign-ins. Please try again in ${retryAfter} seconds.`, retryAfter);
  }
  return { succeeded: () => uncountHits(counted) };
}
