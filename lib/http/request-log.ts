import 'server-only';
import { AsyncLocalStorage } from 'node:async_hooks';

interface LogFields {
  blob_id?: string;
  user_id?: string;
}

const context = new AsyncLocalStorage<LogFields>();

/** Adds a field to the current request's log line (ids only: never tokens, URLs or emails). */
export function annotateRequestLog(fields: LogFields): void {
  const current = context.getStore();
  if (current) Object.assign(current, fields);
}

const jwtSegment = /^[\w-]+\.[\w-]+\.[\w-]+$/;
const uuidSegment = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The route as a pattern: signed tokens and ids in the path are never written to logs. */
export function routePattern(pathname: string): string {
  return pathname
    .split('/')
    .map((segment) => (jwtSegment.test(segment) ? ':token' : uuidSegment.test(segment) ? ':id' : segment))
    .join('/');
}

export function formatRequestLog(entry: {
  method: string;
  pathname: string;
  status: number;
  durationMs: number;
  fields: LogFields;
  errorCode?: string;
}): string {
  return JSON.stringify({
    time: new Date().toISOString(),
    level: entry.status >= 500 ? 'error' : entry.status >= 400 ? 'warn' : 'info',
    method: entry.method,
    route: routePattern(entry.pathname),
    status: entry.status,
    duration_ms: Math.round(entry.durationMs * 10) / 10,
    ...(entry.errorCode ? { error: entry.errorCode } : {}),
    ...entry.fields,
  });
}

/** Runs a request with a log context, then writes its one JSON line (not under the test runner). */
export async function withRequestLog(request: Request, handle: () => Promise<Response>, quiet: boolean): Promise<Response> {
  const fields: LogFields = {};
  const started = performance.now();
  const response = await context.run(fields, handle);
  if (!quiet) {
    const errorCode = response.status >= 400 ? response.headers.get('x-error-code') ?? undefined : undefined;
    console.log(
      formatRequestLog({
        method: request.method,
        pathname: new URL(request.url).pathname,
        status: response.status,
        durationMs: performance.now() - started,
        fields,
        errorCode,
      }),
    );
  }
  return response;
}
