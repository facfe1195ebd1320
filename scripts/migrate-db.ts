import { loadEnvConfig } from '@next/env';
import { closeDb } from '@/lib/database';
import { getEnv } from '@/lib/env';
import { getBoss } from '@/lib/jobs/boss';
import { openDatabase } from '@/db/client';

async function main() {
  // The same .env files `next dev` and `next start` read.
  loadEnvConfig(process.cwd());
  const handle = await openDatabase(getEnv());
  try {
    await handle.migrate();
    console.log(`Migrations applied (${handle.kind}).`);
  } finally {
    await handle.close();
  }
  // The job queue's own schema and queues (pg-boss migrates them itself), so that a release phase
  // leaves the database ready for every process that starts after it.
  try {
    await getBoss();
    console.log('Job queue ready.');
  } finally {
    await closeDb();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
