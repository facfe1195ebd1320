import { afterEach, describe, expect, it } from 'vitest';
import { createPool, POOL_IDLE_TIMEOUT_MS } from '@/db/client';

// What Vercel's runtime provides to a function: its region and URL in the environment, and the
// current request's context (with `waitUntil`) under this global symbol. `attachDatabasePool`
// reads both; this test plays the platform's part and keeps every promise handed to waitUntil.
const requestContext = Symbol.for('@vercel/request-context');
const platform = globalThis as typeof globalThis & {
  [requestContext]?: { get(): { waitUntil(promise: Promise<unknown>): void } };
};

describe('the pool on Vercel Fluid compute', () => {
  const saved = { VERCEL_URL: process.env.VERCEL_URL, VERCEL_REGION: process.env.VERCEL_REGION };
  afterEach(() => {
    delete platform[requestContext];
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it('keeps the instance awake after a request until its idle connection is closed', async () => {
    process.env.VERCEL_URL = 'resume-drop.example.vercel.app';
    process.env.VERCEL_REGION = 'iad1';
    const waited: Promise<unknown>[] = [];
    platform[requestContext] = {
      get: () => ({ waitUntil: (promise) => void waited.push(promise) }),
    };

    const pool = createPool({ DATABASE_URL: process.env.DATABASE_URL, VERCEL: '1' });
    try {
      await pool.query('SELECT 1');
      // The request is over: its connection is back in the pool, idle, and the platform has been
      // told not to suspend the instance yet.
      expect(pool.idleCount).toBe(1);
      expect(waited).toHaveLength(1);

      const started = performance.now();
      await waited[0];
      const elapsed = performance.now() - started;
      // Suspension may come only now, and by now the pool has closed the connection itself, so
      // none is left to die unseen while the instance sleeps.
      expect(elapsed).toBeGreaterThan(POOL_IDLE_TIMEOUT_MS - 500);
      expect(elapsed).toBeLessThan(POOL_IDLE_TIMEOUT_MS + 2_000);
      expect(pool.totalCount).toBe(0);
    } finally {
      await pool.end();
    }
  });
});
