import 'server-only';
import { routePattern } from './request-log';

interface ErrorLink {
  class: string;
  code?: string;
  constraint?: string;
  table?: string;
  column?: string;
  routine?: string;
}

const maxCauses = 5;
const maxFrames = 15;
const identifierFields = ['constraint', 'table', 'column', 'routine'] as const;

/**
 * What an unexpected error may tell the log: each error's class and code along its `cause` chain,
 * the database's names for what failed, and the stack frames. Never a message: Drizzle writes the
 * failed SQL with every parameter into its message (emails, names, search terms), pg quotes input
 * values in its messages and `detail`, and other messages may quote the request too.
 */
export function describeError(error: unknown): { errors: ErrorLink[]; stack: string[] } {
  const errors: ErrorLink[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < maxCauses; depth += 1) {
    errors.push(describeLink(current));
    current = typeof current === 'object' ? (current as { cause?: unknown }).cause : undefined;
  }
  const stack = error instanceof Error && error.stack ? error.stack.split('\n').filter((line) => /^\s+at /.test(line)) : [];
  return { errors, stack: stack.slice(0, maxFrames).map((line) => line.trim()) };
}

function describeLink(error: unknown): ErrorLink {
  if (typeof error !== 'object' || error === null) return { class: typeof error };
  const record = error as Record<string, unknown>;
  const link: ErrorLink = { class: error.constructor?.name ?? 'Object' };
  if (typeof record.code === 'string' || typeof record.code === 'number') link.code = String(record.code);
  for (const field of identifierFields) {
    if (typeof record[field] === 'string') link[field] = record[field];
  }
  return link;
}

/**
 * An error's classes and codes along its `cause` chain, for a log line outside a request, e.g.
 * `DrizzleQueryError > DatabaseError (57P01)`: never its message (see describeError).
 */
export function summarizeError(error: unknown): string {
  return describeError(error)
    .errors.map((link) => (link.code ? `${link.class} (${link.code})` : link.class))
    .join(' > ');
}

/** One JSON line on stderr for a request that failed in a way nobody planned for. */
export function logUnexpectedError(request: Request, error: unknown): void {
  writeUnexpectedError(request.method, new URL(request.url).pathname, error);
}

function writeUnexpectedError(method: string, pathname: string, error: unknown, extra: Record<string, string> = {}): void {
  console.error(
    JSON.stringify({
      time: new Date().toISOString(),
      level: 'error',
      event: 'unexpected_error',
      method,
      route: routePattern(pathname),
      ...extra,
      ...describeError(error),
    }),
  );
}

// What an error may keep once its message is withheld: names, codes and Next.js's digest.
const keptFields = new Set(['digest', 'code', 'severity', 'schema', ...identifierFields]);

/**
 * Removes from an error, and from each error of its `cause` chain, everything that may quote the
 * request or the data: the message (also the first line of the stack), the failed SQL and its
 * parameters (Drizzle's `query`, `params`), pg's `detail`, `where`, `hint` and the like. The class,
 * codes, stack frames and digest stay.
 */
export function withholdMessages(error: unknown): void {
  let current: unknown = error;
  for (let depth = 0; typeof current === 'object' && current !== null && depth < maxCauses; depth += 1) {
    const record = current as Record<string, unknown>;
    // Reflect: a frozen error refuses quietly rather than throwing out of Next.js's hook.
    for (const key of Object.keys(record)) {
      if (key !== 'cause' && !keptFields.has(key)) Reflect.deleteProperty(record, key);
    }
    if (current instanceof Error) {
      const withheld = 'message withheld from the log (it may carry request data or SQL parameters)';
      const frames = (current.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line));
      Reflect.set(current, 'message', withheld);
      Reflect.set(current, 'stack', [`${current.constructor?.name ?? 'Error'}: ${withheld}`, ...frames].join('\n'));
    }
    current = record.cause;
  }
}

/**
 * Next.js's `onRequestError` (instrumentation.ts), for errors no route() caught: in a page or a
 * server component. One `unexpected_error` line as route() writes it; then the error's messages are
 * withheld, because Next.js logs the error itself right after this hook returns (in production),
 * and a database error's message carries the failed SQL with its parameters (a search term, an email).
 */
export function reportRequestError(error: unknown, request: { path: string; method: string }, context: { routeType: string; routePath: string }): void {
  writeUnexpectedError(request.method, request.path.split('?')[0] ?? '', error, { route_type: context.routeType, route_path: context.routePath });
  withholdMessages(error);
}
