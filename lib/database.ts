import 'server-only';
import { getEnv } from '@/lib/env';
import { openDatabase, type Database, type DatabaseHandle } from '@/db/client';

// The process's one database, opened from the environment on first use. db/ knows how to open a
// database; which one is the environment's business, and that lives in lib/.

// Kept on globalThis so that hot reloads in development reuse the one open PGlite instance
// instead of opening the same data folder twice.
const store = globalThis as typeof globalThis & {
  __resumeDropDb?: Promise<DatabaseHandle>;
  __resumeDropBeforeClose?: Set<() => Promise<void>>;
};

/** The process's database with what opened it (the job queue needs PGlite's own client). */
export function getDatabaseHandle(): Promise<DatabaseHandle> {
  store.__resumeDropDb ??= openDatabase(getEnv()).catch((error: unknown) => {
    store.__resumeDropDb = undefined;
    throw error;
  });
  return store.__resumeDropDb;
}

export async function getDb(): Promise<Database> {
  return (await getDatabaseHandle()).db;
}

/**
 * Runs `stop` before the database closes: what keeps using it (the job queue) stops first, since
 * PGlite cannot serve a statement once closed. Returns a function that removes it again.
 */
export function beforeDatabaseClose(stop: () => Promise<void>): () => void {
  store.__resumeDropBeforeClose ??= new Set();
  store.__resumeDropBeforeClose.add(stop);
  return () => store.__resumeDropBeforeClose?.delete(stop);
}

export async function closeDb(): Promise<void> {
  for (const stop of [...(store.__resumeDropBeforeClose ?? [])]) await stop();
  const pending = store.__resumeDropDb;
  store.__resumeDropDb = undefined;
  if (pending) await (await pending).close();
}
