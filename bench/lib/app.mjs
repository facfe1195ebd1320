// Starting the app for a benchmark: a frozen copy of the current build, `next start` on 127.0.0.1,
// with disk storage + PGlite, or S3 (the Ceph gateway) + Postgres. Modelled on scripts/e2e-server.mjs.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import pg from 'pg';
import { childrenOf, commandLine, descendantsOf, log, repoDir, sleep, workDir } from './common.mjs';

// By default the benchmarks run their own Ceph gateway (same script, own folder and ports, 4 GiB
// store): RGW frees deleted objects only when its garbage collector runs (hours later by default),
// so gigabyte uploads would fill the shared test gateway's 2 GiB store. BENCH_S3_ENDPOINT uses
// another S3 server instead (then nothing is started, and deleted bytes are left to its own GC).
const ownGateway = {
  dir: process.env.BENCH_CEPH_DIR ?? '/tmp/rd-bench/ceph',
  port: Number(process.env.BENCH_CEPH_PORT ?? 3380),
  monPort: Number(process.env.BENCH_CEPH_MON_PORT ?? 3389),
  bytes: String(Number(process.env.BENCH_CEPH_GIB ?? 4) * 2 ** 30),
};
export const s3Endpoint = process.env.BENCH_S3_ENDPOINT ?? `http://127.0.0.1:${ownGateway.port}`;
export const s3Credentials = {
  accessKeyId: process.env.BENCH_S3_ACCESS_KEY ?? 'RESUMEDROPTESTKEY000',
  secretAccessKey: process.env.BENCH_S3_SECRET_KEY ?? 'resume-drop-test-secret-key-0000000000000',
};
const postgresAdmin = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const blobTokenSecret = 'benchmark-blob-token-secret-0123456789-abcdefghij';
export const maxUploadBytes = 2_000_000_000;

export function s3Client() {
  return new S3Client({
    region: 'us-east-1',
    endpoint: s3Endpoint,
    forcePathStyle: true,
    credentials: s3Credentials,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

// ---------- the build ----------

let snapshot;

/**
 * `.next` may be rebuilt while a benchmark runs (tests, a developer), and `next start` loads chunks lazily: copy the
 * build (and what `next start` reads beside it) into a folder of our own, node_modules linked.
 */
export async function appSnapshot() {
  if (snapshot) return snapshot;
  if (process.env.BENCH_APP_DIR) return (snapshot = path.resolve(process.env.BENCH_APP_DIR));
  const buildIdFile = path.join(repoDir, '.next', 'BUILD_ID');
  for (let waited = 0; !existsSync(buildIdFile); waited += 5) {
    if (waited === 0) log('waiting for .next/BUILD_ID (the build is missing; run `npm run build` if nobody else is)…');
    if (waited > 600) throw new Error('.next/BUILD_ID did not appear within 10 minutes; run `npm run build`.');
    await sleep(5000);
  }
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const buildId = readFileSync(buildIdFile, 'utf8').trim();
    const target = path.join(workDir, `app-${buildId.replace(/[^A-Za-z0-9_-]/g, '_')}`);
    if (existsSync(path.join(target, '.next', 'BUILD_ID'))) return (snapshot = target);
    rmSync(target, { recursive: true, force: true });
    mkdirSync(target, { recursive: true });
    const entries = ['.next', 'public', 'db', 'lib', 'package.json', 'next.config.ts', 'tsconfig.json'];
    for (const entry of entries) {
      if (existsSync(path.join(repoDir, entry))) execFileSync('cp', ['-a', path.join(repoDir, entry), target]);
    }
    symlinkSync(path.join(repoDir, 'node_modules'), path.join(target, 'node_modules'));
    const copiedId = existsSync(path.join(target, '.next', 'BUILD_ID'))
      ? readFileSync(path.join(target, '.next', 'BUILD_ID'), 'utf8').trim()
      : null;
    if (copiedId === buildId && readFileSync(buildIdFile, 'utf8').trim() === buildId) {
      // Copies of older builds are 100+ MB each: keep only this one.
      for (const entry of readdirSync(workDir)) {
        if (entry.startsWith('app-') && path.join(workDir, entry) !== target) rmSync(path.join(workDir, entry), { recursive: true, force: true });
      }
      log(`using a copy of build ${buildId} in ${target}`);
      return (snapshot = target);
    }
    log('the build changed while it was copied; copying again');
    rmSync(target, { recursive: true, force: true });
    await sleep(10_000);
  }
  throw new Error('could not copy a stable build');
}

// ---------- storage and database ----------

function gatewayEnv() {
  return {
    ...process.env,
    S3_TEST_SERVER_DIR: ownGateway.dir,
    S3_TEST_SERVER_PORT: String(ownGateway.port),
    S3_TEST_SERVER_MON_PORT: String(ownGateway.monPort),
    S3_TEST_SERVER_BYTES: ownGateway.bytes,
    S3_TEST_ACCESS_KEY: s3Credentials.accessKeyId,
    S3_TEST_SECRET_KEY: s3Credentials.secretAccessKey,
  };
}

export function gatewayRunning() {
  if (process.env.BENCH_S3_ENDPOINT) return true;
  return spawnSync('bash', ['scripts/s3-test-server.sh', 'status'], { cwd: repoDir, env: gatewayEnv() }).status === 0;
}

/** Starts the benchmark's own Ceph gateway if it is not running; says which S3 server is used. */
export function ensureGateway() {
  if (process.env.BENCH_S3_ENDPOINT) return `S3 server at ${s3Endpoint} (BENCH_S3_ENDPOINT)`;
  const description = `Ceph RGW (${cephVersion()}, memstore ${Number(ownGateway.bytes) / 2 ** 30} GiB) at ${s3Endpoint}, started for the benchmark`;
  if (gatewayRunning()) return description;
  log(`starting the benchmark's own Ceph S3 gateway on ${s3Endpoint} (${ownGateway.dir})…`);
  // A start right after an earlier cluster of ours went away occasionally fails: try again.
  for (let attempt = 1; ; attempt += 1) {
    const started = spawnSync('bash', ['scripts/s3-test-server.sh', 'start'], { cwd: repoDir, encoding: 'utf8', env: gatewayEnv() });
    if (started.status === 0) return description;
    if (attempt === 3) throw new Error(`the S3 gateway did not start (exit ${started.status}): ${started.stdout}${started.stderr}`);
    log(`the gateway did not start (exit ${started.status}); trying again`);
    spawnSync('sleep', ['3']);
  }
}

function cephVersion() {
  const result = spawnSync('radosgw', ['--version'], { encoding: 'utf8' });
  return (result.stdout ?? '').split(' ').slice(0, 3).join(' ') || 'n/a';
}

/** Runs RGW's garbage collector now, so that deleted objects really free the in-memory store. */
export function collectGarbage() {
  if (process.env.BENCH_S3_ENDPOINT) return;
  spawnSync('radosgw-admin', ['-c', path.join(ownGateway.dir, 'ceph.conf'), 'gc', 'process', '--include-all'], {
    stdio: 'ignore',
    timeout: 120_000,
  });
}

/** Stops the benchmark's own gateway: only the daemons started with its own configuration file. */
export async function stopOwnGateway() {
  if (process.env.BENCH_S3_ENDPOINT) return;
  const conf = path.join(ownGateway.dir, 'ceph.conf');
  const daemons = readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => commandLine(pid).includes(conf) && /radosgw|ceph-osd|ceph-mon/.test(commandLine(pid)));
  for (const pid of daemons) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // gone
    }
  }
  await sleep(2000);
  for (const pid of daemons) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  rmSync(ownGateway.dir, { recursive: true, force: true });
}

export async function createBucket(label) {
  const bucket = `rd-bench-${label.replace(/[^a-z0-9-]/gi, '-').toLowerCase()}-${Date.now().toString(36)}`;
  await s3Client().send(new CreateBucketCommand({ Bucket: bucket }));
  return bucket;
}

export async function emptyBucket(bucket, { remove = false } = {}) {
  const client = s3Client();
  for (;;) {
    const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 1000 }));
    const keys = (listed.Contents ?? []).map(({ Key }) => ({ Key }));
    if (keys.length === 0) break;
    await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys, Quiet: true } }));
  }
  if (remove) await client.send(new DeleteBucketCommand({ Bucket: bucket }));
  collectGarbage();
}

export async function createDatabase(label) {
  const database = `bench_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${process.pid}`;
  const client = new pg.Client({ connectionString: postgresAdmin });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await client.query(`CREATE DATABASE ${database}`);
  await client.end();
  const url = new URL(postgresAdmin);
  url.pathname = `/${database}`;
  return { database, url: url.toString() };
}

export async function dropDatabase(database) {
  const client = new pg.Client({ connectionString: postgresAdmin });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await client.end();
}

// ---------- next start ----------

/**
 * The environment of a benchmark server: `disk` (PGlite + disk storage in a fresh folder),
 * `disk-postgres` (disk storage + a fresh Postgres database) or `s3` (Postgres + a fresh bucket).
 * Returns { env, dataDir, cleanup() }; nothing is started.
 */
export async function prepareApp({ storage, port, label = storage, extraEnv = {}, sourceDir = repoDir }) {
  const url = `http://127.0.0.1:${port}`;
  const dataDir = path.join(workDir, `data-${label}-${port}`);
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const baseEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production' };
  let env;
  const cleanups = [];
  const tsx = (script, scriptEnv) =>
    execFileSync(path.join(repoDir, 'node_modules', '.bin', 'tsx'), ['--conditions=react-server', script], {
      // `sourceDir` is where the served build's migrations are (another commit's, say).
      cwd: sourceDir,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...baseEnv, ...scriptEnv },
    });
  if (storage === 's3') {
    const bucket = await createBucket(label);
    const { database, url: databaseUrl } = await createDatabase(label);
    cleanups.push(() => emptyBucket(bucket, { remove: true }), () => dropDatabase(database));
    env = {
      DATABASE_URL: databaseUrl,
      STORAGE_SERVICE: 's3',
      S3_BUCKET: bucket,
      S3_ENDPOINT: s3Endpoint,
      S3_FORCE_PATH_STYLE: 'true',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: s3Credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: s3Credentials.secretAccessKey,
      APP_URL: url,
    };
    tsx('scripts/migrate-db.ts', env);
    tsx('scripts/storage-cors.ts', env);
  } else if (storage === 'disk-postgres') {
    const { database, url: databaseUrl } = await createDatabase(label);
    cleanups.push(() => dropDatabase(database));
    env = { DATABASE_URL: databaseUrl, STORAGE_SERVICE: 'disk', STORAGE_ROOT: path.join(dataDir, 'storage'), APP_URL: url };
    tsx('scripts/migrate-db.ts', env);
  } else {
    env = { PGLITE_DIR: path.join(dataDir, 'pglite'), STORAGE_ROOT: path.join(dataDir, 'storage'), APP_URL: url };
  }
  // The rate limiter keeps running (its database write is part of each request's cost), with limits
  // high enough for the handful of flows one benchmark makes from 127.0.0.1, unless extraEnv
  // empties them (then the app's defaults apply).
  env = {
    ...env,
    BLOB_TOKEN_SECRET: blobTokenSecret,
    // Production requires an admin password of 16+ characters (and APP_URL, set above).
    ADMIN_PASSWORD: 'benchmark-admin-password-0123456789',
    // Production refuses to start without it: `next start` is reached directly, and Next.js sets
    // X-Forwarded-For from the socket when the client sends none.
    TRUSTED_PROXY_HOPS: '1',
    MAX_UPLOAD_BYTES: String(maxUploadBytes),
    RATE_LIMIT_DIRECT_UPLOADS: '100000',
    RATE_LIMIT_USERS: '100000',
    ...extraEnv,
  };
  for (const [name, value] of Object.entries(env)) if (value === '') delete env[name];
  const cleanup = async () => {
    for (const step of cleanups) await step().catch((error) => log(`cleanup: ${error.message}`));
    rmSync(dataDir, { recursive: true, force: true });
  };
  return { url, env, dataDir, cleanup };
}

/**
 * Spawns `next start` in `appDir` and waits until `ready` (a fetch of the page by default) answers
 * 200. Returns { url, pid (the next-server process), launcherPid, readyMs (spawn → ready), stop() }.
 */
export async function launchNext({ appDir, port, env, nodeArgs = [], ready, pollMs = 300, timeoutMs = 90_000 }) {
  const url = `http://127.0.0.1:${port}`;
  const check = ready ?? (() => fetch(`${url}/`));
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [...nodeArgs, path.join(appDir, 'node_modules', 'next', 'dist', 'bin', 'next'), 'start', '-H', '127.0.0.1', '-p', String(port)],
    { cwd: appDir, env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production', ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const deadline = Date.now() + timeoutMs;
  let readyMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`next start exited (${child.exitCode}):\n${output}`);
    try {
      const response = await check(url);
      await response.arrayBuffer();
      if (response.status === 200) {
        readyMs = performance.now() - started;
        break;
      }
    } catch {
      // not yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGTERM');
      throw new Error(`next start did not answer on ${url}:\n${output}`);
    }
    await sleep(pollMs);
  }
  // `next start` serves from a child process named next-server when it forks one; else itself.
  const serverPid =
    [child.pid, ...descendantsOf(child.pid)].find((pid) => /next-server/.test(commandLine(pid))) ??
    childrenOf(child.pid).find((pid) => /node|next/.test(commandLine(pid))) ??
    child.pid;
  const stop = async () => {
    const pids = [serverPid, ...descendantsOf(child.pid), child.pid];
    child.kill('SIGTERM');
    for (let index = 0; index < 50 && child.exitCode === null; index += 1) await sleep(100);
    for (const pid of pids) {
      try {
        process.kill(pid, 0);
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  };
  return { url, pid: serverPid, launcherPid: child.pid, readyMs, stop, output: () => output };
}

/**
 * Starts `next start` with `disk` (PGlite + disk storage in a fresh folder), `disk-postgres` or `s3`
 * (Postgres + a fresh bucket). Returns { url, pid (the next-server process), env, stop() }.
 */
export async function startApp({ storage, port, label = storage, extraEnv = {}, nodeArgs = [], appDir: givenAppDir, sourceDir = repoDir }) {
  // `appDir` serves another build (say, an earlier commit's); `sourceDir` is where its migrations are.
  const appDir = givenAppDir ?? (await appSnapshot());
  const prepared = await prepareApp({ storage, port, label, extraEnv, sourceDir });
  let server;
  try {
    server = await launchNext({ appDir, port, env: prepared.env, nodeArgs });
  } catch (error) {
    await prepared.cleanup();
    throw error;
  }
  const stop = async () => {
    await server.stop();
    await prepared.cleanup();
  };
  return { url: server.url, pid: server.pid, launcherPid: server.launcherPid, env: prepared.env, storage, stop, output: server.output };
}

/** Base64 MD5 → direct upload via the app's API, as a client would do it. */
export async function presign(appUrl, { filename = 'resume.pdf', byteSize, checksum }) {
  const response = await fetch(`${appUrl}/api/direct-uploads`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ file: { filename, byte_size: byteSize, checksum, content_type: 'application/pdf', metadata: {} } }),
  });
  if (response.status !== 200) throw new Error(`presign failed: ${response.status} ${await response.text()}`);
  return response.json();
}

export function fileSize(file) {
  return statSync(file).size;
}

/** Removes what an interrupted earlier run left: rd-bench-* buckets and bench_* databases. */
export async function removeLeftovers() {
  if (!process.env.BENCH_S3_ENDPOINT) {
    await stopOwnGateway();
  } else {
    const { ListBucketsCommand } = await import('@aws-sdk/client-s3');
    const { Buckets = [] } = await s3Client().send(new ListBucketsCommand({}));
    for (const { Name } of Buckets) {
      if (Name?.startsWith('rd-bench-')) await emptyBucket(Name, { remove: true }).catch(() => undefined);
    }
  }
  const client = new pg.Client({ connectionString: postgresAdmin });
  await client.connect();
  const { rows } = await client.query("SELECT datname FROM pg_database WHERE datname LIKE 'bench\\_%'");
  for (const { datname } of rows) await client.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`).catch(() => undefined);
  await client.end();
}
