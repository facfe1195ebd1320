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

/** One JSON line on stderr for a request that failed in a way nobody planned for. */
export function logUnexpectedError(request: Request, error: unknown): void {
  console.error(
    JSON.stringify({
      time: new Date().toISOString(),
      level: 'error',
      event: 'unexpected_error',
      method: request.method,
      route: routePattern(new URL(request.url).pathname),
      ...describeError(error),
    }),
  );
}
