import 'server-only';
import { AsyncLocalStorage } from 'node:async_hooks';
import { ConfigurationError, getEnv } from '@/lib/env';

/** Fields added to the request's one log line: ids only, never tokens, URLs or emails. */
export interface LogFields {
  blob_id?: string;
  user_id?: string;
}

/**
 * What a request sets once and the domain reads where it needs it, like Active Storage's
 * `ActiveStorage::Current.url_options`: the public origin (links to the disk service) and the log
 * fields. Domain functions take no origin argument.
 */
interface RequestContext {
  /** Computed on first use: most requests build no link. */
  origin: () => string;
  log: LogFields;
  /** This request's number in its client's rate-limit window, once `route()` counted it. */
  rateLimitCount?: number;
}

const context = new AsyncLocalStorage<RequestContext>();

/**
 * Runs `handle` as a request from these headers (and URL, for a route handler). Next.js `after()`
 * callbacks keep this context: they run with a snapshot of the request's async context.
 */
export function runInRequestContext<T>(headers: Headers, url: URL | undefined, handle: () => T): T {
  let origin: string | undefined;
  return context.run(
    {
      origin: () => (origin ??= originFromRequest(headers, url)),
      log: {},
    },
    handle,
  );
}

/** The current request's log fields, to write its line once it is answered. */
export function currentLogFields(): LogFields | undefined {
  return context.getStore()?.log;
}

/** Adds a field to the current request's log line (ids only: never tokens, URLs or emails). */
export function annotateRequestLog(fields: LogFields): void {
  const current = context.getStore();
  if (current) Object.assign(current.log, fields);
}

/** Records the count `route()` got for this request's rate-limit hit. */
export function setRateLimitCount(count: number): void {
  const current = context.getStore();
  if (current) current.rateLimitCount = count;
}

/**
 * This request's number among its client address's requests to the same action in the current
 * window (1 for the first), when its route is rate-limited: what fair queueing orders by.
 */
export function currentRateLimitCount(): number | undefined {
  return context.getStore()?.rateLimitCount;
}

/**
 * The app's public origin, for links: the current request's, or outside a request (a command, a
 * cron job's work after its answer) APP_URL. Without either there is no origin to give, and the
 * caller is told to set APP_URL rather than given a guess.
 */
export function publicOrigin(): string {
  const current = context.getStore();
  if (current) return current.origin();
  const configured = getEnv().APP_URL;
  if (configured) return new URL(configured).origin;
  throw new ConfigurationError('APP_URL is required here: links are built outside a request, where there is no other public origin.');
}

/**
 * The one way a request's public origin is computed: APP_URL, which production requires; in
 * development without it, the host the client asked for (Next.js rewrites `request.url` to
 * localhost, which would make disk-service links cross-origin).
 */
export function originFromRequest(headers: Headers, url?: URL): string {
  const configured = getEnv().APP_URL;
  if (configured) return new URL(configured).origin;
  // Never build links from a client-supplied Host in production (startup refuses this already).
  if (getEnv().NODE_ENV === 'production') throw new ConfigurationError('APP_URL is required in production.');
  const host = headers.get('x-forwarded-host') ?? headers.get('host') ?? url?.host ?? 'localhost';
  const protocol = headers.get('x-forwarded-proto') ?? url?.protocol.replace(':', '') ?? 'http';
  return `${protocol}://${host}`;
}
