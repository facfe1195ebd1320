import 'server-only';
import { getEnv } from '@/lib/env';
import { openDatabase, type Database, type DatabaseHandle } from '@/db/client';

// The process's one database, opened from the environment on first use. db/ knows how to open a
// database; which one is the environment's business, and that lives in lib/.

// Kept on globalThis so that hot reloads in development reuse the one open PGlite instance
// instead of opening the same data folder twice.
const store = globalThis as typeof globalThis & { __resumeDropDb?: Promise<DatabaseHandle> };

export async function getDb(): Promise<Database> {
  store.__resumeDropDb ??= openDatabase(getEnv()).catch((error: unknown) => {
    store.__resumeDropDb = undefined;
    throw error;
  });
  return (await store.__resumeDropDb).db;
}

export async function closeDb(): Promise<void> {
  const pending = store.__resumeDropDb;
  store.__resumeDropDb = undefined;
  if (pending) await (await pending).close();
}
