import { buildIfStale } from '@/scripts/harness/app.mjs';
import { ensurePostgres } from '@/scripts/harness/postgres.mjs';

/** The job-queue fault tests run real `next start` servers and workers: a build and Postgres. */
export default async function setup() {
  await ensurePostgres();
  await buildIfStale();
}
