import type { TestProject } from 'vitest/node';
import { ensurePostgres, postgresAdminUrl } from '@/scripts/harness/postgres.mjs';

/** Makes sure a real PostgreSQL answers, starting the local Debian cluster when it is stopped. */
export default async function setup(project: TestProject) {
  const adminUrl = postgresAdminUrl();
  await ensurePostgres(adminUrl);
  project.provide('postgresAdminUrl', adminUrl);
}

declare module 'vitest' {
  export interface ProvidedContext {
    postgresAdminUrl: string;
  }
}
