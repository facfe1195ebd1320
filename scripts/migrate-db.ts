import { loadEnvConfig } from '@next/env';
import { getEnv } from '@/lib/env';
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
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
