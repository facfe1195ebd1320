import 'server-only';
import { getDb } from '@/db/client';
import { assertProductionReady, getEnv } from '@/lib/env';

/**
 * Runs once per server start: refuse a configuration that cannot work in production, and open the
 * database now so that the first applicant does not wait for PGlite to start (~5 s on 2 cores).
 */
export async function startServer(): Promise<void> {
  const env = getEnv();
  if (env.NEXT_PHASE === 'phase-production-build') return;
  try {
    assertProductionReady(env);
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
  if (!env.DATABASE_URL) await getDb();
}
