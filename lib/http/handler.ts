import 'server-only';
import { z } from 'zod';
import { findPgError } from '@/db/client';
import { ConfigurationError, getEnv } from '@/lib/env';
import { strictTransportSecurity } from '@/lib/security-headers';
import { StorageUnavailableError } from '@/lib/storage/service';
import { AppError, badRequest, forbidden, payloadTooLarge, serviceUnavailable, unsupportedMediaType, type FieldErrors } from './errors';
import { logUnexpectedError } from './error-log';
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
  if (error instanceof StorageUnavailableError) {
    return serviceUnavailable('storage_unavailable', 'File storage is not answering right now. Please try again in a moment.');
  }
  if (isConnectionError(error)) {
    return serviceUnavailable('database_unavailable', 'The database is not answering right now. Please try again in a moment.');
  }
  logUnexpectedError(request, error);
  return new AppError(500, 'internal_error', 'Something went wrong on our side. Please try again.');
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

/** The one wrapper every route handler goes through: every failure becomes the JSON error shape. */
export function route<P = Record<string, never>>(handler: RouteHandler<P>): RouteHandler<P> {
  return (request, context) =>
    withRequestLog(
      request,
      async () => {
        try {
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
 * A browser on another site can post to us without a CORS preflight as long as the body is not
 * declared JSON ("simple" requests: text/plain, forms, no type): so the JSON endpoints take only
 * `application/json`, and refuse requests a browser marks as coming from another site. Requests
 * without those headers (curl, servers, tests) are not browsers acting for a visitor and pass.
 */
export function assertJsonRequest(request: Request): void {
  const origin = request.headers.get('origin');
  if (origin !== null) {
    if (!isAllowedOrigin(origin, request)) {
      throw forbidden('cross_site_request', 'Requests from other sites are not accepted. Use the application form on this site.');
    }
  } else if (request.headers.get('sec-fetch-site') === 'cross-site') {
    throw forbidden('cross_site_request', 'Requests from other sites are not accepted. Use the application form on this site.');
  }
  const mediaType = request.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
  if (mediaType !== 'application/json') {
    throw unsupportedMediaType('unsupported_media_type', 'Send the body as JSON, with Content-Type: application/json.');
  }
}

/** The app's own origin, or one listed in ALLOWED_ORIGINS (compared as serialized origins). */
function isAllowedOrigin(origin: string, request: Request): boolean {
  const normalized = normalizeOrigin(origin);
  if (!normalized) return false;
  return normalized === normalizeOrigin(publicOrigin(request)) || getEnv().ALLOWED_ORIGINS.some((allowed) => normalizeOrigin(allowed) === normalized);
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
  const tooLarge = () => payloadTooLarge('body_too_large', `The request body is larger than ${maxJsonBytes / 1024} KiB.`);
  if (Number(request.headers.get('content-length') ?? 0) > maxJsonBytes) throw tooLarge();
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body) {
    for await (const chunk of request.body) {
      size += chunk.byteLength;
      if (size > maxJsonBytes) throw tooLarge();
      chunks.push(chunk);
    }
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw badRequest('malformed_json', 'The request body is not valid JSON.');
  }
}

export function fieldErrors(error: z.ZodError): FieldErrors {
  const fields: FieldErrors = {};
  for (const issue of error.issues) {
    // A bad record key is reported on its record: the key itself is the bad input.
    const path = issue.code === 'invalid_key' ? issue.path.slice(0, -1) : issue.path;
    const message = issue.code === 'invalid_key' ? `has a key that ${issue.issues[0]?.message ?? 'is not valid'}` : issue.message;
    const name = path.length > 0 ? path.join('.') : '_';
    fields[name] ??= message;
  }
  return fields;
}

/**
 * The app's public origin for links: APP_URL, which production requires; in development without
 * it, the host the client asked for (Next.js rewrites `request.url` to localhost, which would make
 * disk-service links cross-origin).
 */
export function publicOrigin(request: Request): string {
  return originFromHeaders(request.headers, new URL(request.url));
}

export function originFromHeaders(headers: Headers, url?: URL): string {
  const configured = getEnv().APP_URL;
  if (configured) return new URL(configured).origin;
  // Never build links from a client-supplied Host in production (startup refuses this already).
  if (getEnv().NODE_ENV === 'production') throw new ConfigurationError('APP_URL is required in production.');
  const host = headers.get('x-forwarded-host') ?? headers.get('host') ?? url?.host ?? 'localhost';
  const protocol = headers.get('x-forwarded-proto') ?? url?.protocol.replace(':', '') ?? 'http';
  return `${protocol}://${host}`;
}
