import type { Instrumentation } from 'next';

// Next.js calls register() once when a server starts. NEXT_RUNTIME is inlined by the bundler; the
// startup code needs Node.js (PGlite, the filesystem), so the edge bundle must not import it.
export async function register() {
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    const { startServer } = await import('./lib/startup');
    await startServer();
  }
}

// Next.js calls onRequestError for an error that reached it (a page, a server component) before it
// logs that error itself: one line without message, then the messages withheld (lib/http/error-log.ts).
export const onRequestError: Instrumentation.onRequestError = async (error, request, context) => {
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    const { reportRequestError } = await import('./lib/http/error-log');
    reportRequestError(error, request, context);
  }
};
