import type { Pool } from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { createPool, POOL_IDLE_TIMEOUT_MS } from '@/db/client';

// `pg` connects lazily: creating a pool opens no connection, so no server is needed here.
const DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/unused';

describe('the Postgres pool', () => {
  const pools: Pool[] = [];
  afterEach(async () => {
    await Promise.all(pools.splice(0).map((pool) => pool.end()));
  });

  function open(env: { VERCEL?: string }) {
    const attached: Pool[] = [];
    const pool = createPool({ DATABASE_URL, ...env }, (attachedPool) =>
      attached.push(attachedPool),
    );
    pools.push(pool);
    return { pool, attached };
  }

  it('closes idle connections after about 5 s, the figure Vercel documents for Fluid compute', () => {
    const { pool } = open({});
    expect(POOL_IDLE_TIMEOUT_MS).toBe(5_000);
    expect(pool.options.idleTimeoutMillis).toBe(POOL_IDLE_TIMEOUT_MS);
  });

  it('is attached with attachDatabasePool on Vercel, and only there', () => {
    const onVercel = open({ VERCEL: '1' });
    expect(onVercel.attached).toEqual([onVercel.pool]);
    expect(open({}).attached).toEqual([]);
  });

  it('keeps listening for lost connections, so that a dropped socket cannot crash the process', () => {
    const { pool } = open({ VERCEL: '1' });
    expect(pool.listenerCount('error')).toBe(1);
    expect(pool.listenerCount('connect')).toBe(1);
  });
});
