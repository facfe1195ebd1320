// Load test (not a test suite): N concurrent clients doing the whole API flow (presign, PUT,
// create applicant) against `next start` with real Postgres and the disk service, for a bounded
// time; then checks that users == successes and that every stored resume matches its blob.
//   node bench/load/run.mjs [--connections 64] [--seconds 60]
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { prepareApp, repoDir, startNext } from '../../scripts/harness/app.mjs';

const arg = (name, fallback) => {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
};
const connections = arg('connections', 64);
const seconds = arg('seconds', 60);
const port = 3390;
const base = `http://127.0.0.1:${port}`;

if (!existsSync(path.join(repoDir, '.next', 'BUILD_ID'))) {
  console.error('No build: run `npm run build` first.');
  process.exit(1);
}

const prepared = await prepareApp({
  storage: 'disk-postgres',
  url: base,
  dataDir: path.join(repoDir, '.data', 'bench-load'),
  database: 'bench_load',
  settings: {
    BLOB_TOKEN_SECRET: 'load-test-secret-0123456789-abcdefghijklmnopqrstuvwxyz',
    // Production requires how many proxies stand in front: none here.
    TRUSTED_PROXY_HOPS: '0',
    // Every client here has the same address; the limits would be the only thing measured.
    RATE_LIMIT_DIRECT_UPLOADS: '0',
    RATE_LIMIT_USERS: '0',
    RATE_LIMIT_DISK_PUTS: '0',
    PENDING_UPLOAD_BYTES_PER_CLIENT: '0',
    PENDING_UPLOAD_BYTES_TOTAL: '0',
  },
});
const { DATABASE_URL: databaseUrl, STORAGE_ROOT: storageRoot } = prepared.env;
const server = await startNext({ port, env: prepared.env, ready: (url) => fetch(`${url}/api/health`), pollMs: 250, timeoutMs: 30_000 });

function makePdf(label) {
  return Buffer.from(`%PDF-1.4\n% ${label}\n${'resume line '.repeat(1500)}\n%%EOF\n`, 'latin1');
}

const latencies = { presign: [], put: [], users: [], flow: [] };
const errors = {};
let successes = 0;
let flowsStarted = 0;
const deadline = Date.now() + seconds * 1000;

async function timed(kind, run) {
  const started = performance.now();
  const response = await run();
  latencies[kind].push(performance.now() - started);
  return response;
}

function recordError(step, detail) {
  const key = `${step}: ${detail}`;
  errors[key] = (errors[key] ?? 0) + 1;
}

async function client(id) {
  for (let n = 0; Date.now() < deadline; n += 1) {
    flowsStarted += 1;
    const flowStarted = performance.now();
    const pdf = makePdf(`client ${id} flow ${n}`);
    const checksum = createHash('md5').update(pdf).digest('base64');
    try {
      const presign = await timed('presign', () =>
        fetch(`${base}/api/direct-uploads`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ file: { filename: `resume-${id}-${n}.pdf`, byte_size: pdf.length, checksum, content_type: 'application/pdf', metadata: {} } }),
        }),
      );
      if (presign.status !== 200) {
        recordError('presign', presign.status);
        await presign.body?.cancel();
        continue;
      }
      const { direct_upload, blob_signed_id } = await presign.json();
      const put = await timed('put', () => fetch(direct_upload.url, { method: 'PUT', headers: direct_upload.headers, body: pdf }));
      await put.body?.cancel();
      if (put.status !== 200) {
        recordError('put', put.status);
        continue;
      }
      const user = await timed('users', () =>
        fetch(`${base}/api/users`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ email: `load-${id}-${n}@example.com`, first_name: 'Load', last_name: `${id}-${n}`, pdf: blob_signed_id }),
        }),
      );
      await user.body?.cancel();
      if (user.status !== 200) {
        recordError('users', user.status);
        continue;
      }
      successes += 1;
      latencies.flow.push(performance.now() - flowStarted);
    } catch (error) {
      recordError('network', error.cause?.code ?? error.message);
    }
  }
}

const started = performance.now();
await Promise.all(Array.from({ length: connections }, (_, id) => client(id)));
const elapsed = (performance.now() - started) / 1000;

const percentile = (values, p) => {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};
const requests = latencies.presign.length + latencies.put.length + latencies.users.length;

// Afterwards: every success is a user, and every attached blob's file has the recorded size and MD5.
const check = new pg.Client({ connectionString: databaseUrl });
await check.connect();
const users = Number((await check.query('SELECT count(*) FROM users')).rows[0].count);
const attached = (await check.query(`SELECT b.key, b.byte_size, b.checksum FROM attachments a JOIN blobs b ON b.id = a.blob_id`)).rows;
await check.end();
let verified = 0;
const broken = [];
for (const blob of attached) {
  const file = path.join(storageRoot, blob.key.slice(0, 2), blob.key.slice(2, 4), blob.key);
  const bytes = existsSync(file) ? readFileSync(file) : null;
  if (bytes && bytes.length === Number(blob.byte_size) && createHash('md5').update(bytes).digest('base64') === blob.checksum) verified += 1;
  else broken.push(blob.key);
}
await server.stop();

const row = (kind) =>
  `| ${kind} | ${latencies[kind].length} | ${percentile(latencies[kind], 50).toFixed(1)} | ${percentile(latencies[kind], 99).toFixed(1)} |`;
const errorCount = Object.values(errors).reduce((sum, count) => sum + count, 0);
console.log(`\nLoad: ${connections} clients for ${seconds} s against next start (Postgres, disk service), ${new Date().toISOString()}`);
console.log(`Machine: ${(await import('node:os')).cpus().length} cores, Node ${process.version}\n`);
console.log('| step | count | p50 ms | p99 ms |');
console.log('|---|---|---|---|');
for (const kind of ['presign', 'put', 'users', 'flow']) console.log(row(kind));
console.log(`\nrequests/s: ${(requests / elapsed).toFixed(1)} (${requests} requests in ${elapsed.toFixed(1)} s); whole flows/s: ${(successes / elapsed).toFixed(1)}`);
console.log(`flows started ${flowsStarted}, succeeded ${successes}, errors ${errorCount}${errorCount ? ` ${JSON.stringify(errors)}` : ''}`);
console.log(`users in the database: ${users} (successes: ${successes}) -> ${users === successes ? 'OK' : 'MISMATCH'}`);
console.log(`resumes verified (size + MD5 on disk): ${verified}/${attached.length}${broken.length ? ` BROKEN: ${broken.slice(0, 5).join(', ')}` : ''}`);
const ok = errorCount === 0 && users === successes && verified === attached.length && attached.length === successes;
console.log(ok ? 'PASS: zero errors, zero lost records' : 'FAIL');
process.exit(ok ? 0 : 1);
