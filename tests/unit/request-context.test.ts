import { AsyncLocalStorage } from 'node:async_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { resetEnv } from '@/lib/env';
import { annotateRequestLog, currentLogFields, publicOrigin, runInRequestContext } from '@/lib/request-context';

const request = (host: string) => new Headers({ host });

function withEnv(values: Record<string, string | undefined>) {
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  resetEnv();
}

describe('request context', () => {
  const saved = { APP_URL: process.env.APP_URL, NODE_ENV: process.env.NODE_ENV };
  afterEach(() => withEnv(saved));

  it("gives the request's own origin inside a request, and APP_URL outside", () => {
    withEnv({ APP_URL: undefined });
    expect(runInRequestContext(request('apply.test:3000'), undefined, () => publicOrigin())).toBe('http://apply.test:3000');
    expect(runInRequestContext(new Headers(), new URL('https://from-url.test/api/users'), () => publicOrigin())).toBe('https://from-url.test');
    withEnv({ APP_URL: 'https://apply.example/some/path' });
    expect(publicOrigin()).toBe('https://apply.example');
    // APP_URL wins over whatever Host a client sends.
    expect(runInRequestContext(request('evil.test'), undefined, () => publicOrigin())).toBe('https://apply.example');
  });

  it('refuses to guess an origin outside a request without APP_URL', () => {
    withEnv({ APP_URL: undefined });
    expect(() => publicOrigin()).toThrow(/APP_URL is required/);
  });

  it('never builds an origin from the Host header in production', () => {
    withEnv({ APP_URL: undefined, NODE_ENV: 'production' });
    expect(() => runInRequestContext(request('evil.test'), undefined, () => publicOrigin())).toThrow(/APP_URL is required in production/);
  });

  it('keeps each request’s log fields apart', async () => {
    const seen = await Promise.all(
      ['a', 'b'].map((id) =>
        runInRequestContext(request('apply.test'), undefined, async () => {
          annotateRequestLog({ blob_id: id });
          await new Promise((resolve) => setTimeout(resolve, 5));
          return currentLogFields();
        }),
      ),
    );
    expect(seen).toEqual([{ blob_id: 'a' }, { blob_id: 'b' }]);
    annotateRequestLog({ user_id: 'nobody' });
    expect(currentLogFields()).toBeUndefined();
  });

  it('survives into Next.js after() callbacks, which run once the response is sent', async () => {
    withEnv({ APP_URL: undefined });
    // What Next.js's server sets up before it loads its request stores.
    (globalThis as { AsyncLocalStorage?: unknown }).AsyncLocalStorage = AsyncLocalStorage;
    const { AfterContext } = await import('next/dist/server/after/after-context');
    const { workAsyncStorage } = await import('next/dist/server/app-render/work-async-storage.external');
    const pending: Promise<unknown>[] = [];
    let close: () => void = () => undefined;
    const errors: unknown[] = [];
    const afterContext = new AfterContext({
      waitUntil: (promise) => void pending.push(promise),
      onClose: (callback) => void (close = callback),
      onTaskError: (error) => void errors.push(error),
    });
    let seen: string | undefined;
    const workStore = { afterContext } as unknown as Parameters<typeof workAsyncStorage.run>[0];
    workAsyncStorage.run(workStore, () =>
      runInRequestContext(request('apply.test:3000'), undefined, () => {
        afterContext.after(() => {
          seen = publicOrigin();
        }, { phase: 'action' } as never);
      }),
    );
    expect(seen).toBeUndefined();
    close();
    await Promise.all(pending);
    expect(errors).toEqual([]);
    expect(seen).toBe('http://apply.test:3000');
  });
});
