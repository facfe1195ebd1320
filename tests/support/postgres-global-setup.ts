import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { Client } from 'pg';
import type { TestProject } from 'vitest/node';

export const defaultAdminUrl = 'postgres://postgres@127.0.0.1:5432/postgres';

async function canConnect(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

/** Makes sure a real PostgreSQL answers, starting the local Debian cluster when it is stopped. */
export default async function setup(project: TestProject) {
  const adminUrl = process.env.POSTGRES_TEST_URL ?? defaultAdminUrl;
  if (!(await canConnect(adminUrl)) && !process.env.POSTGRES_TEST_URL && existsSync('/etc/postgresql')) {
    for (const version of readdirSync('/etc/postgresql')) {
      try {
        execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'start'], { stdio: 'ignore' });
      } catch {
        // Already running or not startable here; the connection check below says which.
      }
    }
  }
  if (!(await canConnect(adminUrl))) {
    throw new Error(
      `PostgreSQL is not reachable at ${adminUrl}. The integration-postgres suite needs a real server: ` +
        'install and start one (Debian: apt-get install -y postgresql && pg_ctlcluster 15 main start), ' +
        'or point POSTGRES_TEST_URL at a server where this user may CREATE DATABASE.',
    );
  }
  project.provide('postgresAdminUrl', adminUrl);
}

declare module 'vitest' {
  export interface ProvidedContext {
    postgresAdminUrl: string;
  }
}
