// Starting the app for a benchmark: a frozen copy of the current build, `next start` on 127.0.0.1,
// with disk storage + PGlite, or S3 (the benchmark's own Ceph gateway) + Postgres. The set-up itself
// (databases, buckets, the gateway script, migrations, the environment, `next start`) is the
// test harness's, scripts/harness/; what is the benchmark's own is here.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { prepareApp as prepareHarnessApp, startNext } from '../../scripts/harness/app.mjs';
import { dropDatabases, postgresAdminUrl } from '../../scripts/harness/postgres.mjs';
import {
  bucketName,
  createBucket as createHarnessBucket,
  deleteBucket,
  deleteBuckets,
  emptyBucket as emptyHarnessBucket,
  gatewayRunning as harnessGatewayRunning,
  s3Client as harnessS3Client,
  startGateway,
} from '../../scripts/harness/s3.mjs';
import { childrenOf, commandLine, descendantsOf, log, repoDir, sleep, workDir } from './common.mjs';

// By default the benchmarks run their own Ceph gateway (same script, own folder and ports, 4 GiB
// store): RGW frees deleted objects only when its garbage collector runs (hours later by default),
// so gigabyte uploads would fill the shared test gateway's 2 GiB store. BENCH_S3_ENDPOINT uses
// another S3 server instead (then nothing is started, and deleted bytes are left to its own GC).
export const s3Credentials = {
  accessKeyId: process.env.BENCH_S3_ACCESS_KEY ?? 'RESUMEDROPTESTKEY000',
  secretAccessKey: process.env.BENCH_S3_SECRET_KEY ?? 'resume-drop-test-secret-key-0000000000000',
};
const ownGateway = {
  dir: process.env.BENCH_CEPH_DIR ?? '/tmp/rd-bench/ceph',
  port: Number(process.env.BENCH_CEPH_PORT ?? 3380),
  monPort: Number(process.env.BENCH_CEPH_MON_PORT ?? 3389),
  bytes: Number(process.env.BENCH_CEPH_GIB ?? 4) * 2 ** 30,
  ...s3Credentials,
};
export const s3Endpoint = process.env.BENCH_S3_ENDPOINT ?? `http://127.0.0.1:${ownGateway.port}`;
const s3Settings = { endpoint: s3Endpoint, region: 'us-east-1', ...s3Credentials };
const postgresAdmin = process.env.BENCH_POSTGRES_URL ?? postgresAdminUrl();
const blobTokenSecret = 'benchmark-blob-token-secret-0123456789-abcdefghij';
export const maxUploadBytes = 2_000_000_000;

export function s3Client() {
  return harnessS3Client(s3Settings);
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

export function gatewayRunning() {
  return Boolean(process.env.BENCH_S3_ENDPOINT) || harnessGatewayRunning(ownGateway);
}

/** Starts the benchmark's own Ceph gateway if it is not running; says which S3 server is used. */
export function ensureGateway() {
  if (process.env.BENCH_S3_ENDPOINT) return `S3 server at ${s3Endpoint} (BENCH_S3_ENDPOINT)`;
  const description = `Ceph RGW (${cephVersion()}, memstore ${Number(ownGateway.bytes) / 2 ** 30} GiB) at ${s3Endpoint}, started for the benchmark`;
  if (gatewayRunning()) return description;
  log(`starting the benchmark's own Ceph S3 gateway on ${s3Endpoint} (${ownGateway.dir})…`);
  // A start right after an earlier cluster of ours went away occasionally fails: try again.
  for (let attempt = 1; ; attempt += 1) {
    const started = startGateway(ownGateway);
    if (started.state === 'ready') return description;
    if (attempt === 3) throw new Error(`the S3 gateway did not start (${started.reason}): ${started.output}`);
    log(`the gateway did not start (${started.reason}); trying again`);
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
  const bucket = bucketName(`rd-bench-${label}`);
  await createHarnessBucket(s3Client(), bucket);
  return bucket;
}

export async function emptyBucket(bucket, { remove = false } = {}) {
  await (remove ? deleteBucket : emptyHarnessBucket)(s3Client(), bucket);
  collectGarbage();
}

// ---------- next start ----------

/**
 * The environment of a benchmark server: `disk` (PGlite + disk storage in a fresh folder),
 * `disk-postgres` (disk storage + a fresh Postgres database) or `s3` (Postgres + a fresh bucket).
 * Returns { url, env, dataDir, cleanup() }; nothing is started.
 */
export async function prepareApp({ storage, port, label = storage, extraEnv = {}, sourceDir = repoDir }) {
  const url = `http://127.0.0.1:${port}`;
  const dataDir = path.join(workDir, `data-${label}-${port}`);
  // The rate limiter keeps running (its database write is part of each request's cost), with
  // limits high enough for the handful of flows one benchmark makes from 127.0.0.1, unless
  // extraEnv empties them (then the app's defaults apply).
  const settings = {
    BLOB_TOKEN_SECRET: blobTokenSecret,
    // Production requires an admin password of 16+ characters (and APP_URL, set by the harness).
    ADMIN_PASSWORD: 'benchmark-admin-password-0123456789',
    MAX_UPLOAD_BYTES: String(maxUploadBytes),
    RATE_LIMIT_DIRECT_UPLOADS: '100000',
    RATE_LIMIT_USERS: '100000',
    RATE_LIMIT_DISK_PUTS: '100000',
    ...extraEnv,
  };
  // The pending-upload ceilings must be at least MAX_UPLOAD_BYTES, and their defaults (100 MiB a
  // client, 1 GiB in all) are not: with the benchmark's upload size they are raised too, and keep
  // running (their query is part of each presign's cost), unless extraEnv names them or restores
  // the default upload size.
  if (settings.MAX_UPLOAD_BYTES) {
    settings.PENDING_UPLOAD_BYTES_PER_CLIENT ??= String(10 * Number(settings.MAX_UPLOAD_BYTES));
    settings.PENDING_UPLOAD_BYTES_TOTAL ??= String(10 * Number(settings.MAX_UPLOAD_BYTES));
  }
  const prepared = await prepareHarnessApp({
    storage,
    url,
    dataDir,
    database: `bench_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${process.pid}`,
    s3: storage === 's3' ? { settings: s3Settings, bucket: bucketName(`rd-bench-${label}`) } : undefined,
    adminUrl: postgresAdmin,
    // `sourceDir` is where the served build's migrations are (another commit's, say).
    sourceDir,
    quiet: true,
    settings,
  });
  const cleanup = async () => {
    await prepared.cleanup().catch((error) => log(error.message));
    // Deleted objects free the gateway's in-memory store only when its garbage collector runs.
    if (storage === 's3') collectGarbage();
  };
  return { url, env: prepared.env, dataDir, cleanup };
}

/**
 * Spawns `next start` in `appDir` and waits until `ready` (a fetch of the page by default) answers
 * 200. Returns { url, pid (the next-server process), launcherPid, readyMs (spawn → ready), stop() }.
 */
export async function launchNext({ appDir, port, env, nodeArgs = [], ready, pollMs = 300, timeoutMs = 90_000 }) {
  const server = await startNext({ appDir, port, env, nodeArgs, ready, pollMs, timeoutMs });
  const launcherPid = server.child.pid;
  // `next start` serves from a child process named next-server when it forks one; else itself.
  const serverPid =
    [launcherPid, ...descendantsOf(launcherPid)].find((pid) => /next-server/.test(commandLine(pid))) ??
    childrenOf(launcherPid).find((pid) => /node|next/.test(commandLine(pid))) ??
    launcherPid;
  const stop = async () => {
    const descendants = descendantsOf(launcherPid);
    await server.stop();
    for (const pid of descendants) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  };
  return { url: server.url, pid: serverPid, launcherPid, readyMs: server.readyMs, stop, output: server.output };
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
    await deleteBuckets(s3Client(), 'rd-bench-');
    collectGarbage();
  }
  await dropDatabases('bench_', postgresAdmin);
}
