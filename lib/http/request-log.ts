import 'server-only';
import { currentLogFields, runInRequestContext, type LogFields } from '@/lib/request-context';

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

/**
 * In production, straight to stdout (where console.log writes), past the console wrappers Next.js
 * installs for prerendering and its development log file, which a route's answer never needs.
 */
function writeLine(line: string): void {
  if (process.env.NODE_ENV === 'production') process.stdout.write(`${line}\n`);
  else console.log(line);
}

/**
 * Runs a request in its context (public origin, log fields), then writes its one JSON line (not
 * under the test runner).
 */
export async function withRequestLog(request: Request, handle: () => Promise<Response>, quiet: boolean): Promise<Response> {
  const started = performance.now();
  const url = new URL(request.url);
  let fields: LogFields = {};
  const response = await runInRequestContext(request.headers, url, () => {
    fields = currentLogFields() ?? fields;
    return handle();
  });
  if (!quiet) {
    const errorCode = response.status >= 400 ? response.headers.get('x-error-code') ?? undefined : undefined;
    writeLine(
      formatRequestLog({
        method: request.method,
        pathname: url.pathname,
        status: response.status,
        durationMs: performance.now() - started,
        fields,
        errorCode,
      }),
    );
  }
  return response;
}
