import 'server-only';
import { lt, sql } from 'drizzle-orm';
import { getDb, type Database } from '@/db/client';
import { rateLimits } from '@/db/schema';
import { getEnv } from '@/lib/env';
import { AppError } from './errors';

export type RateLimitedAction = 'direct-uploads' | 'users';

/**
 * The client's address as the nearest trusted proxy saw it: the TRUSTED_PROXY_HOPS-th entry from
 * the right of X-Forwarded-For (Heroku's router and Vercel append or set it; entries further left
 * are whatever the client sent).
 */
export function clientAddress(request: Request, trustedHops: number): string {
  const forwarded = (request.headers.get('x-forwarded-for') ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (trustedHops > 0 && forwarded.length > 0) return forwarded[Math.max(0, forwarded.length - trustedHops)] ?? 'unknown';
  return request.headers.get('x-real-ip') ?? 'unknown';
}

/**
 * A fixed-window counter per action and client address, kept in the database so that it holds
 * across app instances (Vercel functions, Heroku dynos). Over the limit: 429 with Retry-After.
 */
export async function enforceRateLimit(request: Request, action: RateLimitedAction): Promise<void> {
  const env = getEnv();
  const limit = action === 'users' ? env.RATE_LIMIT_USERS : env.RATE_LIMIT_DIRECT_UPLOADS;
  if (limit === 0) return;
  const window = env.RATE_LIMIT_WINDOW_SECONDS;
  const db = await getDb();
  let hit = preparedHits.get(db);
  if (!hit) preparedHits.set(db, (hit = prepareHit(db)));
  const [counter] = await hit.execute({ key: `${action}:${clientAddress(request, env.TRUSTED_PROXY_HOPS)}`, window });
  if (counter && counter.count > limit) {
    const retryAfter = Math.max(1, Number(counter.retryAfter));
    throw new AppError(429, 'rate_limited', `Too many attempts from your network. Please try again in ${retryAfter} seconds.`, undefined, {
      'Retry-After': String(retryAfter),
    });
  }
}

// The same statement on every request: built and prepared once per database handle.
const preparedHits = new WeakMap<Database, ReturnType<typeof prepareHit>>();

function prepareHit(db: Database) {
  const window = sql.placeholder('window');
  const windowStart = sql`to_timestamp(floor(extract(epoch from now()) / ${window}::int) * ${window}::int)`;
  return db
    .insert(rateLimits)
    .values({ key: sql.placeholder('key'), windowStart, count: 1 })
    .onConflictDoUpdate({
      target: rateLimits.key,
      set: {
        count: sql`case when ${rateLimits.windowStart} = excluded.window_start then ${rateLimits.count} + 1 else 1 end`,
        windowStart: sql`excluded.window_start`,
      },
    })
    .returning({
      count: rateLimits.count,
      retryAfter: sql<number>`ceil(extract(epoch from ${rateLimits.windowStart} + make_interval(secs => ${window}::int) - now()))::int`,
    })
    .prepare('rate_limit_hit');
}

/** Counters from windows long gone; the purge job clears them. */
export async function pruneRateLimits(): Promise<void> {
  const db = await getDb();
  await db.delete(rateLimits).where(lt(rateLimits.windowStart, sql`now() - interval '1 day'`));
}
