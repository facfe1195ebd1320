// Fresh PostgreSQL databases for the integration tests, the end-to-end servers and the benchmarks.
// Plain ESM (typed by postgres.d.mts) so that vitest, `node scripts/…` and `node bench/…` share it.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import pg from 'pg';

export const defaultAdminUrl = 'postgres://postgres@127.0.0.1:5432/postgres';

/** Where databases are made: POSTGRES_TEST_URL, else the local server as user postgres. */
export function postgresAdminUrl() {
  return process.env.POSTGRES_TEST_URL ?? defaultAdminUrl;
}

/** @param {string} url */
async function canConnect(url) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

/**
 * Makes sure PostgreSQL answers at `adminUrl`, starting the local Debian cluster when it is stopped
 * (only for the default server: a POSTGRES_TEST_URL is the developer's to run). Throws how to get one.
 * @param {string} [adminUrl]
 */
export async function ensurePostgres(adminUrl = postgresAdminUrl()) {
  const local = !process.env.POSTGRES_TEST_URL && adminUrl === defaultAdminUrl;
  if (!(await canConnect(adminUrl)) && local && existsSync('/etc/postgresql')) {
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
      `PostgreSQL is not reachable at ${adminUrl}. These tests need a real server: ` +
        'install and start one (Debian: apt-get install -y postgresql && pg_ctlcluster 15 main start), ' +
        'or point POSTGRES_TEST_URL at a server where this user may CREATE DATABASE.',
    );
  }
}

/**
 * Runs statements one after another on the admin connection.
 * @param {string} adminUrl
 * @param {string[]} statements
 */
async function adminQueries(adminUrl, statements) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const results = [];
    for (const text of statements) results.push(await client.query(text));
    return results;
  } finally {
    await client.end();
  }
}

/** @param {string} name */
function checkedName(name) {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`not a plain database name: ${name}`);
  return name;
}

/**
 * The URL of database `name` on the server of `adminUrl`.
 * @param {string} name
 * @param {string} [adminUrl]
 */
export function databaseUrl(name, adminUrl = postgresAdminUrl()) {
  const url = new URL(adminUrl);
  url.pathname = `/${checkedName(name)}`;
  return url.toString();
}

/**
 * A new empty database `name` (one of that name is dropped first); returns its URL.
 * @param {string} name
 * @param {string} [adminUrl]
 */
export async function createDatabase(name, adminUrl = postgresAdminUrl()) {
  checkedName(name);
  await adminQueries(adminUrl, [`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`, `CREATE DATABASE ${name}`]);
  return databaseUrl(name, adminUrl);
}

/**
 * Drops database `name` (its open connections closed), if it exists.
 * @param {string} name
 * @param {string} [adminUrl]
 */
export async function dropDatabase(name, adminUrl = postgresAdminUrl()) {
  await adminQueries(adminUrl, [`DROP DATABASE IF EXISTS ${checkedName(name)} WITH (FORCE)`]);
}

/**
 * Drops every database whose name starts with `prefix`: what interrupted runs left behind.
 * @param {string} prefix
 * @param {string} [adminUrl]
 */
export async function dropDatabases(prefix, adminUrl = postgresAdminUrl()) {
  const pattern = `${checkedName(prefix).replaceAll('_', '\\_')}%`;
  const [listed] = await adminQueries(adminUrl, [`SELECT datname FROM pg_database WHERE datname LIKE '${pattern}'`]);
  for (const { datname } of listed?.rows ?? []) await dropDatabase(datname, adminUrl).catch(() => undefined);
}
