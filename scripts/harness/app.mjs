// Running the app for the end-to-end tests and the benchmarks: the build brought up to date, fresh
// data for one configuration (disk + PGlite, disk + Postgres, S3 + Postgres) and the environment
// that points the app at it, and `next start` on 127.0.0.1, waited for and stopped. Typed by app.d.mts.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { constants } from 'node:os';
import path from 'node:path';
import { createDatabase, dropDatabase, postgresAdminUrl } from './postgres.mjs';
import { createBucket, deleteBucket, s3Client, s3StorageEnv } from './s3.mjs';

export const repoDir = path.resolve(import.meta.dirname, '..', '..');
const nextBin = (/** @type {string} */ appDir) => path.join(appDir, 'node_modules', 'next', 'dist', 'bin', 'next');
const tsxCli = path.join(repoDir, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const sleep = (/** @type {number} */ ms) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------- the build ----------

/** @param {string} folder */
function newestSource(folder) {
  let newest = 0;
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const file = path.join(folder, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(file));
    else newest = Math.max(newest, statSync(file).mtimeMs);
  }
  return newest;
}

/** There is no build, or a source or configuration file is newer than it. */
export function buildIsStale() {
  const buildId = path.join(repoDir, '.next', 'BUILD_ID');
  if (!existsSync(buildId)) return true;
  const sources = ['app', 'lib', 'db', 'public'].map((folder) => path.join(repoDir, folder)).filter((folder) => existsSync(folder));
  const configFiles = ['next.config.ts', 'package-lock.json', 'instrumentation.ts'].map((file) => statSync(path.join(repoDir, file)).mtimeMs);
  return Math.max(...configFiles, ...sources.map(newestSource)) > statSync(buildId).mtimeMs;
}

/**
 * Runs `next build` when the build is stale. Servers starting at once (both end-to-end servers)
 * take turns through a lock folder, so the second one waits for the first one's build.
 */
export async function buildIfStale() {
  const lock = path.join(repoDir, '.data', 'build.lock');
  mkdirSync(path.dirname(lock), { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() - statSync(lock).mtimeMs > 600_000) rmSync(lock, { recursive: true, force: true });
      await sleep(500);
    }
  }
  try {
    if (!buildIsStale()) return;
    console.log('building the app (next build)…');
    const build = spawnSync(process.execPath, [nextBin(repoDir), 'build'], {
      cwd: repoDir,
      stdio: 'inherit',
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
    });
    if (build.status !== 0) throw new Error(`next build exited with ${build.status ?? build.signal}`);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

// ---------- data and environment ----------

/**
 * Runs one of the project's scripts with tsx, as the npm scripts do (`--conditions=react-server`).
 * @param {string} script  path relative to `cwd`
 * @param {{ env?: Record<string, string>, cwd?: string, quiet?: boolean }} [options]
 */
export function runScript(script, { env = {}, cwd = repoDir, quiet = false } = {}) {
  execFileSync(process.execPath, [tsxCli, '--conditions=react-server', script], {
    cwd,
    stdio: quiet ? ['ignore', 'ignore', 'inherit'] : 'inherit',
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', ...env },
  });
}

/**
 * Fresh data for one server of the app, and the environment that points the app at it:
 *   disk           PGlite and disk storage, both in `dataDir`
 *   disk-postgres  the Postgres database `database`, disk storage in `dataDir`
 *   s3             the Postgres database `database` and the bucket `s3.bucket` on the S3 server
 *                  `s3.settings`, with the bucket's CORS rules set (scripts/storage-cors.ts)
 * `dataDir` is emptied, the database made anew and migrated (with `sourceDir`'s scripts, the served
 * build's), the bucket created. The environment also has APP_URL (`url`) and TRUSTED_PROXY_HOPS=1;
 * `settings` (secrets, limits) come last, and an empty string there removes the variable (the
 * app's default applies). `cleanup()` drops the database and the bucket and removes `dataDir`.
 * @param {import('./app.d.mts').AppOptions} options
 * @returns {Promise<import('./app.d.mts').PreparedApp>}
 */
export async function prepareApp({ storage, url, dataDir, database, s3, settings = {}, adminUrl = postgresAdminUrl(), sourceDir = repoDir, quiet = false }) {
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  /** @type {Array<() => Promise<void>>} */
  const cleanups = [async () => rmSync(dataDir, { recursive: true, force: true })];
  const cleanup = async () => {
    const errors = [];
    for (const step of cleanups.reverse()) await step().catch((/** @type {unknown} */ error) => errors.push(error));
    if (errors.length > 0) throw new AggregateError(errors, `cleanup: ${errors.map(String).join('; ')}`);
  };
  try {
    /** @type {Record<string, string>} */
    let env = { APP_URL: url };
    if (storage === 'disk') {
      env = { ...env, PGLITE_DIR: path.join(dataDir, 'pglite'), STORAGE_ROOT: path.join(dataDir, 'storage') };
    } else {
      if (!database) throw new Error(`storage ${storage} needs a database name`);
      env.DATABASE_URL = await createDatabase(database, adminUrl);
      cleanups.push(() => dropDatabase(database, adminUrl));
      if (storage === 's3') {
        if (!s3) throw new Error('storage s3 needs an S3 server and a bucket name');
        const client = s3Client(s3.settings);
        await createBucket(client, s3.bucket);
        cleanups.push(() => deleteBucket(client, s3.bucket));
        env = { ...env, ...s3StorageEnv(s3.settings, s3.bucket) };
      } else {
        env = { ...env, STORAGE_SERVICE: 'disk', STORAGE_ROOT: path.join(dataDir, 'storage') };
      }
      // As `next start` will: the scripts read the production .env files.
      const scriptEnv = { ...env, NODE_ENV: 'production' };
      runScript('scripts/migrate-db.ts', { env: scriptEnv, cwd: sourceDir, quiet });
      if (storage === 's3') runScript('scripts/storage-cors.ts', { env: scriptEnv, cwd: sourceDir, quiet });
    }
    // Production refuses to start without TRUSTED_PROXY_HOPS: `next start` is reached directly,
    // and Next.js sets X-Forwarded-For from the socket when the client sends none; a test that
    // sends one plays the part of a proxy.
    env = { ...env, TRUSTED_PROXY_HOPS: '1', ...settings };
    for (const [name, value] of Object.entries(env)) if (value === '') delete env[name];
    return { env, cleanup };
  } catch (error) {
    await cleanup().catch(() => undefined);
    throw error;
  }
}

// ---------- next start ----------

/**
 * Spawns `next start -H 127.0.0.1 -p <port>` in `appDir`: node running next's own bin script, no
 * npx or shell between, so the server is this process's child (and in its process group) and a
 * signal sent to it reaches the server. Waits until `ready(url)` answers 200 (GET / by default).
 * With `foreground`, this process lives for the server: SIGINT or SIGTERM stops the server first,
 * and when the server exits this process exits with its code. Whatever the options, a server still
 * running when this process exits is killed.
 * @param {import('./app.d.mts').StartNextOptions} options
 * @returns {Promise<import('./app.d.mts').NextServer>}
 */
export async function startNext({
  appDir = repoDir,
  port,
  env = {},
  nodeArgs = [],
  stdio = 'pipe',
  foreground = false,
  ready = (url) => fetch(`${url}/`),
  pollMs = 300,
  timeoutMs = 90_000,
}) {
  const url = `http://127.0.0.1:${port}`;
  const started = performance.now();
  const child = spawn(process.execPath, [...nodeArgs, nextBin(appDir), 'start', '-H', '127.0.0.1', '-p', String(port)], {
    cwd: appDir,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production', ...env },
    stdio: stdio === 'pipe' ? ['ignore', 'pipe', 'pipe'] : 'inherit',
  });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  /** @type {Promise<number>} the exit code (128 + the signal's number when killed by one) */
  const exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? 128 + (signal ? constants.signals[signal] : 0)));
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);
  void exited.then(() => process.off('exit', killOnExit));

  let stopping;
  const stop = () => {
    stopping ??= (async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    })();
    return stopping;
  };
  if (foreground) {
    for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => void stop());
    void exited.then((code) => process.exit(code));
  }

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`next start exited (${child.exitCode ?? child.signalCode})${output ? `:\n${output}` : ''}`);
    }
    try {
      const response = await ready(url);
      await response.arrayBuffer();
      if (response.status === 200) break;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`next start did not answer on ${url} within ${timeoutMs / 1000} s${output ? `:\n${output}` : ''}`);
    }
    await sleep(pollMs);
  }
  return { url, child, readyMs: performance.now() - started, exited, stop, output: () => output };
}
