import 'server-only';
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
// The package's subpath: the pool helper alone, without the rest (cache, purge, websockets).
import { attachDatabasePool } from '@vercel/functions/db-connections';
import { Pool } from 'pg';
import * as schema from './schema';

export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;

/** What the job queue's PGlite adapter needs of an embedded database (pg-boss's PGliteLike). */
export interface PGliteClient {
  query<T = unknown>(query: string, params?: unknown[]): Promise<{ rows: T[] }>;
  exec(query: string): Promise<Array<{ rows: unknown[] }>>;
  listen?(channel: string, callback: (payload: string) => void): Promise<() => Promise<void>>;
}

/**
 * What opening a database needs, as plain values: `db/` reads no environment itself (lib/env.ts
 * does, and lib/database.ts passes its values here), so dependencies point one way, lib → db.
 */
export interface DatabaseConfig {
  /** Postgres through `pg` when set; PGlite in PGLITE_DIR otherwise. */
  DATABASE_URL?: string | undefined;
  PGLITE_DIR: string;
  /** Set on Vercel: the pool is attached to Fluid compute's lifecycle. */
  VERCEL?: string | undefined;
  /**
   * A PEM file with the database provider's CA (libpq's name): the server's certificate and host
   * name are then verified against it, whatever PGSSLMODE says.
   */
  PGSSLROOTCERT?: string | undefined;
}

export interface DatabaseHandle {
  db: Database;
  kind: 'postgres' | 'pglite';
  /** The embedded database itself (PGlite only): the job queue runs on its one connection. */
  pglite?: PGliteClient;
  migrate(): Promise<void>;
  close(): Promise<void>;
}

const migrationsFolder = path.join(process.cwd(), 'db', 'migrations');

/**
 * How long an unused connection stays open. Vercel's Fluid compute suspends an instance between
 * requests; a connection left idle across a suspension dies unseen and fails the next query
 * (`Connection terminated unexpectedly`). Vercel's documented pattern for `pg` is a short idle
 * timeout plus `attachDatabasePool`, which keeps the instance awake until the idle timer has run.
 * Elsewhere a short timeout only costs a reconnect after a quiet spell.
 */
export const POOL_IDLE_TIMEOUT_MS = 5_000;

/**
 * The TLS options of a `pg` connection to DATABASE_URL: with PGSSLROOTCERT, the server's certificate
 * and name are verified against it; without, pg reads PGSSLMODE itself (and `sslmode` in the URL).
 * Every pool the app opens (its own, the job queue's) takes these.
 */
export function poolTls(env: Pick<DatabaseConfig, 'PGSSLROOTCERT'>): { ssl?: { ca: string; rejectUnauthorized: true } } {
  return env.PGSSLROOTCERT ? { ssl: { ca: readFileSync(env.PGSSLROOTCERT, 'utf8'), rejectUnauthorized: true } } : {};
}

/**
 * The `pg` pool behind DATABASE_URL. `attach` is Vercel's `attachDatabasePool`, called only when
 * running on Vercel; tests pass their own to see that it is called.
 */
export function createPool(env: Pick<DatabaseConfig, 'DATABASE_URL' | 'VERCEL' | 'PGSSLROOTCERT'>, attach: (pool: Pool) => void = attachDatabasePool): Pool {
  const ssl = poolTls(env);
  const pool = new Pool({ connectionString: env.DATABASE_URL, max: 10, connectionTimeoutMillis: 5000, idleTimeoutMillis: POOL_IDLE_TIMEOUT_MS, ...ssl });
  // A connection closed by the server (restart, failover, pg_terminate_backend) emits `error`: on
  // the pool while idle, on the client while checked out. Unheard, either would crash the process.
  // The query in flight fails on its own (503 to the caller); the pool opens a new connection.
  pool.on('error', (error) => console.error(`Postgres: idle connection lost (${error.message})`));
  pool.on('connect', (client) => {
    client.on('error', (error) => console.error(`Postgres: connection lost (${error.message})`));
  });
  if (env.VERCEL) attach(pool);
  return pool;
}

/** Opens the configured database: Postgres through `pg` when DATABASE_URL is set, PGlite otherwise. */
export async function openDatabase(env: DatabaseConfig): Promise<DatabaseHandle> {
  if (env.DATABASE_URL) {
    const pool = createPool(env);
    const db = drizzlePg(pool, { schema });
    return {
      db,
      kind: 'postgres',
      migrate: () => migratePg(db, { migrationsFolder }),
      close: () => pool.end(),
    };
  }
  if (!env.PGLITE_DIR.startsWith('memory://')) {
    // PGlite does not create missing parent folders.
    await mkdir(path.dirname(path.resolve(env.PGLITE_DIR)), { recursive: true });
  }
  // Loaded only when configured, from node_modules at run time: PGlite is ~20 MB of WebAssembly
  // and data that a Postgres deployment would otherwise load, and that the bundler would trace
  // into every Vercel function (where production refuses PGlite). The magic comments keep these
  // imports out of the bundle and its file tracing; drizzle's pglite driver imports PGlite itself.
  const [{ PGlite }, { drizzle: drizzlePglite }, { migrate: migratePglite }] = await Promise.all([
    import(/* webpackIgnore: true */ /* turbopackIgnore: true */ '@electric-sql/pglite'),
    import(/* webpackIgnore: true */ /* turbopackIgnore: true */ 'drizzle-orm/pglite'),
    import(/* webpackIgnore: true */ /* turbopackIgnore: true */ 'drizzle-orm/pglite/migrator'),
  ]);
  const client = await PGlite.create(env.PGLITE_DIR);
  const db = drizzlePglite(client, { schema });
  const handle: DatabaseHandle = {
    db,
    kind: 'pglite',
    pglite: client,
    migrate: () => migratePglite(db, { migrationsFolder }),
    close: () => client.close(),
  };
  // The embedded database is private to this process, so it is kept up to date on open: zero
  // configuration means no separate migration step.
  await handle.migrate();
  return handle;
}

/** Postgres error codes survive Drizzle's wrapping in `cause`. */
export function findPgError(error: unknown): { code?: string; constraint?: string } | undefined {
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth += 1) {
    if (typeof current === 'object' && 'code' in current && typeof current.code === 'string') {
      return current as { code?: string; constraint?: string };
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
