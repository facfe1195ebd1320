import 'server-only';
import { findPgError } from '@/db/client';
import { getEnv } from '@/lib/env';
import { publicOrigin } from '@/lib/request-context';
import { strictTransportSecurity } from '@/lib/security-headers';
import { appError, AppError, publicCodeOf } from './errors';
import { logUnexpectedError } from './error-log';
import { readCappedText } from './read-body';
import { countRateLimitedRequest, type RateLimitedAction } from './rate-limit';
import { withRequestLog } from './request-log';

type RouteContext<P> = { params: Promise<P> };
type RouteHandler<P> = (request: Request, context: RouteContext<P>) => Promise<Response>;

const connectionErrorCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', '57P01', '57P03', '08000', '08001', '08003', '08006']);

function errorResponse(error: AppError): Response {
  const body = { error: { code: error.code, message: error.message, ...(error.fields ? { fields: error.fields } : {}) } };
  return Response.json(body, {
    status: error.status,
    headers: { 'Cache-Control': 'no-store', 'X-Error-Code': error.code, ...error.headers },
  });
}

/** A lost or refused database connection, however deep Drizzle and pg wrapped it. */
function isConnectionError(error: unknown): boolean {
  const code = findPgError(error)?.code;
  if (code && connectionErrorCodes.has(code)) return true;
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth += 1) {
    if (/Connection terminated|connect ECONNREFUSED|Client has encountered a connection error/.test(current.message)) return true;
  }
  return false;
}

function toAppError(error: unknown, request: Request): AppError {
  if (error instanceof AppError) return error;
  const publicCode = publicCodeOf(error);
  if (publicCode) return appError(publicCode);
  if (isConnectionError(error)) {
    return appError('database_unavailable');
  }
  logUnexpectedError(request, error);
  return appError('internal_error');
}

function withTransportSecurity(response: Response): Response {
  const hsts = strictTransportSecurity(getEnv());
  if (!hsts) return response;
  try {
    response.headers.set('Strict-Transport-Security', hsts);
    return response;
  } catch {
    // Response.redirect() and fetch() answers have immutable headers: answer with a copy.
    const copy = new Response(response.body, response);
    copy.headers.set('Strict-Transport-Security', hsts);
    return copy;
  }
}

export interface RouteOptions {
  /**
   * Counts each request against this action's limit per client address before the handler runs;
   * past it, 429 with Retry-After and the handler never runs. A request a browser marks as sent by
   * another site's page is not counted (JSON routes refuse it anyway): another site must not be
   * able to spend its visitors' budget.
   */
  rateLimit?: RateLimitedAction;
}

/** The one wrapper every route handler goes through: every failure becomes the JSON error shape. */
export function route<P = Record<string, never>>(handler: RouteHandler<P>): RouteHandler<P>;
export function route<P = Record<string, never>>(options: RouteOptions, handler: RouteHandler<P>): RouteHandler<P>;
export function route<P = Record<string, never>>(first: RouteOptions | RouteHandler<P>, second?: RouteHandler<P>): RouteHandler<P> {
  const [options, handler] = typeof first === 'function' ? [{}, first] : [first, second!];
  return (request, context) =>
    withRequestLog(
      request,
      async () => {
        try {
          if (options.rateLimit && !isForeignSiteRequest(request)) await countRateLimitedRequest(request, options.rateLimit);
          return withTransportSecurity(await handler(request, context));
        } catch (error) {
          return withTransportSecurity(errorResponse(toAppError(error, request)));
        }
      },
      getEnv().NODE_ENV === 'test',
    );
}

// The JSON endpoints take a few hundred bytes; files never come through them.
const maxJsonBytes = 64 * 1024;

/**
 * Refuses (403) a request a browser marks as sent by a page of another site (`Origin`, or
 * `Sec-Fetch-Site` where no `Origin` is sent) not listed in ALLOWED_ORIGINS. Requests without those
 * headers (curl, servers, tests) are not browsers acting for a visitor and pass.
 */
export function assertSameSiteRequest(request: Request): void {
  if (isForeignSiteRequest(request)) throw appError('cross_site_request');
}

function isForeignSiteRequest(request: Request): boolean {
  const origin = request.headers.get('origin');
  if (origin !== null) return !isAllowedOrigin(origin);
  return request.headers.get('sec-fetch-site') === 'cross-site';
}

/**
 * A browser on another site can post to us without a CORS preflight as long as the body is not
 * declared JSON ("simple" requests: text/plain, forms, no type): so the JSON endpoints take only
 * `application/json`, and refuse requests a browser marks as coming from another site.
 */
export function assertJsonRequest(request: Request): void {
  assertSameSiteRequest(request);
  const mediaType = request.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
  if (mediaType !== 'application/json') {
    throw appError('unsupported_media_type');
  }
}

/** The app's own origin, or one listed in ALLOWED_ORIGINS (compared as serialized origins). */
function isAllowedOrigin(origin: string): boolean {
  const normalized = normalizeOrigin(origin);
  if (!normalized) return false;
  return normalized === normalizeOrigin(publicOrigin()) || getEnv().ALLOWED_ORIGINS.some((allowed) => normalizeOrigin(allowed) === normalized);
}

function normalizeOrigin(value: string): string | null {
  try {
    const { origin } = new URL(value);
    return origin === 'null' ? null : origin;
  } catch {
    return null;
  }
}

/**
 * Reads a JSON body of at most 64 KiB without buffering more than that, whatever the client sends,
 * after `assertJsonRequest`.
 */
export async function readJson(request: Request): Promise<unknown> {
  assertJsonRequest(request);
  const text = await readCappedText(request, maxJsonBytes);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw appError('malformed_json');
  }
}

