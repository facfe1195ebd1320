// Starts the production server for the end-to-end tests: builds first when the build is missing
// or older than the sources, then runs `next start` on 127.0.0.1 with its own fresh data.
//   node scripts/e2e-server.mjs         disk storage + PGlite (zero configuration)
//   node scripts/e2e-server.mjs --s3    S3 (the Ceph gateway of scripts/s3-test-server.sh) + Postgres
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const useS3 = process.argv.includes('--s3');
const port = process.env.E2E_PORT ?? (useS3 ? '3200' : '3100');
const dataDir = path.resolve('.data', useS3 ? 'e2e-s3' : 'e2e');
const baseEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' };

function newestSource(folder) {
  let newest = 0;
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const file = path.join(folder, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(file));
    else newest = Math.max(newest, statSync(file).mtimeMs);
  }
  return newest;
}

function isStale() {
  const buildId = path.join('.next', 'BUILD_ID');
  const sources = ['app', 'lib', 'db', 'public'].filter((folder) => existsSync(folder));
  const configFiles = ['next.config.ts', 'package-lock.json', 'instrumentation.ts'].map((file) => statSync(file).mtimeMs);
  return !existsSync(buildId) || Math.max(...configFiles, ...sources.map(newestSource)) > statSync(buildId).mtimeMs;
}

// Both e2e servers start at once; a lock folder makes the second wait for the first one's build.
async function buildIfStale() {
  const lock = path.resolve('.data', 'e2e-build.lock');
  mkdirSync(path.dirname(lock), { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() - statSync(lock).mtimeMs > 600_000) rmSync(lock, { recursive: true, force: true });
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  try {
    if (!isStale()) return;
    console.log('e2e: building the app (next build)…');
    const build = spawnSync('npx', ['next', 'build'], { stdio: 'inherit', env: baseEnv });
    if (build.status !== 0) process.exit(build.status ?? 1);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

async function s3Environment() {
  const started = spawnSync('bash', ['scripts/s3-test-server.sh', 'start'], { encoding: 'utf8' });
  if (started.status !== 0) {
    console.error(started.stdout, started.stderr);
    process.exit(1);
  }
  if (!started.stdout.includes('already running')) writeFileSync(path.join(dataDir, 'started-gateway'), '');
  const settings = Object.fromEntries(
    started.stdout.split('\n').filter((line) => line.startsWith('S3_TEST_')).map((line) => line.split('=', 2)),
  );
  const bucket = `rd-e2e-${Date.now().toString(36)}`;
  const s3 = await import('@aws-sdk/client-s3');
  const client = new s3.S3Client({
    region: 'us-east-1',
    endpoint: settings.S3_TEST_ENDPOINT,
    forcePathStyle: true,
    credentials: { accessKeyId: settings.S3_TEST_ACCESS_KEY, secretAccessKey: settings.S3_TEST_SECRET_KEY },
  });
  // The in-memory store is small: empty the buckets earlier runs left behind.
  for (const { Name } of (await client.send(new s3.ListBucketsCommand({}))).Buckets ?? []) {
    if (!Name?.startsWith('rd-e2e-')) continue;
    const listed = await client.send(new s3.ListObjectsV2Command({ Bucket: Name }));
    for (const { Key } of listed.Contents ?? []) await client.send(new s3.DeleteObjectCommand({ Bucket: Name, Key }));
    await client.send(new s3.DeleteBucketCommand({ Bucket: Name })).catch(() => undefined);
  }
  await client.send(new s3.CreateBucketCommand({ Bucket: bucket }));

  const database = 'resume_drop_e2e_s3';
  const admin = process.env.POSTGRES_TEST_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const pg = await import('pg');
  const connection = new pg.default.Client({ connectionString: admin });
  await connection.connect();
  await connection.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await connection.query(`CREATE DATABASE ${database}`);
  await connection.end();
  const databaseUrl = new URL(admin);
  databaseUrl.pathname = `/${database}`;

  const env = {
    DATABASE_URL: databaseUrl.toString(),
    STORAGE_SERVICE: 's3',
    S3_BUCKET: bucket,
    S3_ENDPOINT: settings.S3_TEST_ENDPOINT,
    S3_FORCE_PATH_STYLE: 'true',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: settings.S3_TEST_ACCESS_KEY,
    AWS_SECRET_ACCESS_KEY: settings.S3_TEST_SECRET_KEY,
    APP_URL: `http://127.0.0.1:${port}`,
  };
  const tsx = (script) =>
    execFileSync('npx', ['tsx', '--conditions=react-server', script], { stdio: 'inherit', env: { ...baseEnv, ...env } });
  tsx('scripts/migrate-db.ts');
  tsx('scripts/storage-cors.ts');
  return env;
}

await buildIfStale();
rmSync(dataDir, { recursive: true, force: true });
mkdirSync(dataDir, { recursive: true });
const storageEnv = useS3
  ? await s3Environment()
  : { PGLITE_DIR: path.join(dataDir, 'pglite'), STORAGE_ROOT: path.join(dataDir, 'storage') };
const server = spawn('npx', ['next', 'start', '-H', '127.0.0.1', '-p', port], {
  stdio: 'inherit',
  env: {
    ...baseEnv,
    BLOB_TOKEN_SECRET: process.env.BLOB_TOKEN_SECRET ?? 'end-to-end-test-secret-0123456789-abcdefghijklmnop',
    ADMIN_PASSWORD: 'e2e-admin-password',
    // Every test comes from 127.0.0.1: the default limits (20 uploads, 10 applicants per 10 minutes
    // and address) would refuse the suite itself. The limiter is tested in tests/integration.
    RATE_LIMIT_DIRECT_UPLOADS: process.env.RATE_LIMIT_DIRECT_UPLOADS ?? '1000',
    RATE_LIMIT_USERS: process.env.RATE_LIMIT_USERS ?? '1000',
    APP_URL: `http://127.0.0.1:${port}`,
    // Next.js sets X-Forwarded-For from the socket when the client sends none; the tests that
    // send one play the part of a proxy.
    TRUSTED_PROXY_HOPS: '1',
    ANALYSIS_DISPATCH: useS3 ? 'inline' : 'http', // the disk project analyzes through POST /api/analysis, as on Vercel
    ...storageEnv,
  },
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code) => process.exit(code ?? 0));
