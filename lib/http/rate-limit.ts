import 'server-only';
import { isIP } from 'node:net';
import { and, eq, lt, or, sql } from 'drizzle-orm';
import { getDb } from '@/lib/database';
import { rateLimits } from '@/db/schema';
import { preparedStatement } from '@/db/prepared';
import { getEnv } from '@/lib/env';
import { setRateLimitCount } from '@/lib/request-context';
import { appError, AppError } from './errors';

export type RateLimitedAction = 'direct-uploads' | 'users' | 'disk-puts';

/** What every client whose address cannot be read shares: a fresh bucket must cost a real address. */
const unidentified = 'unidentified';

/**
 * The rate-limit key of an address: IPv4 as is, IPv6 by its /64 (one subscriber's network, where a
 * host can pick any of 2^64 addresses), anything else the shared `unidentified` bucket. At most 24
 * characters, whatever the header held.
 */
export function addressKey(entry: string): string {
  // Some proxies write a port: `192.0.2.1:443`, `[2001:db8::1]:443`.
  const candidate = /^\[([^\]]+)\](?::\d+)?$/.exec(entry)?.[1] ?? /^([\d.]+):\d+$/.exec(entry)?.[1] ?? entry;
  const version = isIP(candidate);
  if (version === 4) return candidate;
  if (version !== 6) return unidentified;
  const address = candidate.toLowerCase().replace(/%.*$/, '');
  const mapped = /^::ffff:([\d.]+)$/.exec(address)?.[1];
  if (mapped && isIP(mapped) === 4) return mapped;
  const groups = (part: string | undefined) => (part ? part.split(':').flatMap((group) => (group.includes('.') ? ['0', '0'] : [group])) : []);
  const [head, tail] = address.split('::');
  const left = groups(head);
  const right = groups(tail);
  const hextets = [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return `${hextets
    .slice(0, 4)
    .map((group) => Number.parseInt(group, 16).toString(16))
    .join(':')}::/64`;
}

/**
 * The client's address as the nearest trusted proxy saw it: the TRUSTED_PROXY_HOPS-th entry from
 * the right of X-Forwarded-For (Heroku's router and Vercel append or set it; entries further left
 * are whatever the client sent). With no trusted proxy the header is the client's own word, so
 * nothing in it is believed.
 */
export function clientAddress(request: Request, trustedHops: number | undefined): string {
  if (!trustedHops) return unidentified;
  const forwarded = (request.headers.get('x-forwarded-for') ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  const entry = forwarded[Math.max(0, forwarded.length - trustedHops)];
  return entry ? addressKey(entry) : unidentified;
}

export interface WindowCount {
  key: string;
  count: number;
  windowStart: Date;
  retryAfter: number;
}

// Milliseconds, so that the start read back into a Date still matches the row (uncountHits).
const now = sql`date_trunc('milliseconds', now())`;

/**
 * Adds one hit to the counter of each key, and returns its count and how long its window has left.
 * A window opens at a key's first hit and lasts `windowSeconds`; the next hit after it opens a new
 * one at 1. Kept in the database so that it holds across app instances (Vercel functions, Heroku
 * dynos), in one statement so that concurrent requests cannot slip past a limit. Prepared once.
 */
const countHitsStatement = preparedStatement<{ key: string; count: number; window_start: string | Date; retry_after: number }>(
  'rate_limits_count_hits',
  () => {
    const window = sql`make_interval(secs => ${sql.placeholder('windowSeconds')}::int)`;
    const expired = sql`${rateLimits}.window_start + ${window} <= ${now}`;
    return sql`
      insert into ${rateLimits} (key, window_start, count)
      select key, ${now}, 1 from unnest(${sql.placeholder('keys')}::text[]) as key
      on conflict (key) do update set
        count = case when ${expired} then 1 else ${rateLimits}.count + 1 end,
        window_start = case when ${expired} then ${now} else ${rateLimits}.window_start end
      returning key, count, window_start, ceil(extract(epoch from window_start + ${window} - now()))::int as retry_after`;
  },
);

export async function countHits(keys: string[], windowSeconds: number): Promise<WindowCount[]> {
  const rows = await countHitsStatement(await getDb()).execute({ keys, windowSeconds });
  return rows.map((row) => ({
    key: row.key,
    count: Number(row.count),
    windowStart: new Date(row.window_start),
    retryAfter: Math.max(1, Number(row.retry_after)),
  }));
}

/** Takes back hits that `countHits` added, if their window is still the current one. */
export async function uncountHits(counted: WindowCount[]): Promise<void> {
  if (counted.length === 0) return;
  const db = await getDb();
  await db
    .update(rateLimits)
    .set({ count: sql`greatest(${rateLimits.count} - 1, 0)` })
    .where(or(...counted.map(({ key, windowStart }) => and(eq(rateLimits.key, key), eq(rateLimits.windowStart, windowStart)))));
}

export function rateLimited(message: string, retryAfter: number): AppError {
  return appError('rate_limited', { message, headers: { 'Retry-After': String(retryAfter) } });
}

/**
 * Counts a request against the fixed-window limit of its action and client address, before its
 * handler runs, and refuses it past the limit (429 with Retry-After): what `route({ rateLimit })`
 * does. A limit of 0 is off. The count is kept in the request's context for fair queueing.
 */
export async function countRateLimitedRequest(request: Request, action: RateLimitedAction): Promise<void> {
  const env = getEnv();
  const limit = { 'direct-uploads': env.RATE_LIMIT_DIRECT_UPLOADS, users: env.RATE_LIMIT_USERS, 'disk-puts': env.RATE_LIMIT_DISK_PUTS }[action];
  if (limit === 0) return;
  const [counter] = await countHits([`${action}:${clientAddress(request, env.TRUSTED_PROXY_HOPS)}`], env.RATE_LIMIT_WINDOW_SECONDS);
  if (!counter) throw new Error('Counting the rate-limit hit returned no row');
  setRateLimitCount(counter.count);
  if (counter.count > limit) {
    throw rateLimited(`Too many attempts from your network. Please try again in ${counter.retryAfter} seconds.`, counter.retryAfter);
  }
}

/** Counters from windows long gone; the purge job clears them. */
export async function pruneRateLimits(): Promise<void> {
  const db = await getDb();
  await db.delete(rateLimits).where(lt(rateLimits.windowStart, sql`now() - interval '1 day'`));
}
