import 'server-only';
import { getDb } from '@/lib/database';
import { assertProductionReady, ConfigurationError, getEnv, type Env } from '@/lib/env';
import { startInProcessWorkerSoon } from '@/lib/jobs/in-process';
import { warnIfKeptForever } from '@/lib/privacy/privacy-notice';
import { mailMode } from '@/lib/mail/mode';

/**
 * Runs once per server start: refuse a configuration that cannot work in production, and open the
 * database now so that the first applicant does not wait for PGlite to start (~5 s on 2 cores), and
 * start the in-process job worker once the server is answering.
 */
export async function startServer(): Promise<void> {
  let env: Env;
  try {
    env = getEnv();
    if (env.NEXT_PHASE === 'phase-production-build') return;
    assertProductionReady(env);
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    // A configuration that cannot work stops the server here, with the variable named, rather
    // than failing every request later.
    console.error(error.message);
    process.exit(1);
  }
  warnIfKeptForever();
  if (mailMode(env) === 'off') {
    console.warn('mail: off (SMTP_URL is not set): applicants and recruiters get no email; see README, Email');
  }
  if (!env.DATABASE_URL) await getDb();
  startInProcessWorkerSoon();
}
