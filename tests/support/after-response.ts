// Route handlers called directly have no request scope, so their after() callbacks never run (the
// jobs kick and the jobs route's work use after()). This runs a handler
// inside the stores Next.js's server sets up for a request, with Next.js's own AfterContext: after()
// works as in `next start`, and its callbacks run when the test says the response has been sent.
// globalThis.AsyncLocalStorage must be set before Next.js loads (tests/support/integration-setup.ts).
import { AfterContext } from 'next/dist/server/after/after-context';
import { workAsyncStorage } from 'next/dist/server/app-render/work-async-storage.external';
import { workUnitAsyncStorage } from 'next/dist/server/app-render/work-unit-async-storage.external';

export interface HandledRequest {
  response: Response;
  /** "Sends" the response: runs the after() callbacks, resolves when they are done, rejects if one threw. */
  finish: () => Promise<void>;
}

export async function handleWithAfter(handle: () => Promise<Response>): Promise<HandledRequest> {
  const pending: Promise<unknown>[] = [];
  const onClose: (() => void)[] = [];
  const errors: unknown[] = [];
  const afterContext = new AfterContext({
    waitUntil: (promise) => void pending.push(promise),
    onClose: (callback) => void onClose.push(callback),
    onTaskError: (error) => void errors.push(error),
  });
  const workStore = { afterContext } as unknown as Parameters<typeof workAsyncStorage.run>[0];
  const workUnitStore = { type: 'request', phase: 'action' } as unknown as Parameters<
    typeof workUnitAsyncStorage.run
  >[0];
  const response = await workAsyncStorage.run(workStore, () =>
    workUnitAsyncStorage.run(workUnitStore, handle),
  );
  return {
    response,
    finish: async () => {
      for (const callback of onClose.splice(0)) callback();
      await Promise.all(pending);
      if (errors.length > 0) throw errors[0];
    },
  };
}
