// 7. Presign cost against the number of pending uploads (issue 20). POST /api/direct-uploads on
// disk + Postgres, loaded by autocannon (in this process) at 16 connections, every request from its
// own address, with the default rate limits and pending-upload ceilings, after a 10 s warm-up: once with no upload pending
// and once with 50,000 pending (never attached, from 5,000 addresses, inserted straight into the
// database), alternately, `rounds` times, in one run. For each: the server's CPU ms per request
// (utime + stime of next-server from /proc) and Postgres's (the backends of the app's database,
// from /proc), req/s and p99. This build, and the build of BENCH_PENDING_BASELINE (default: the
// commit before the running totals), which summed every pending blob at each presign.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { appSnapshot, launchNext, prepareApp } from './lib/app.mjs';
import { cpuSeconds, log, makePdfFile, nativeMd5, repoDir, sleep } from './lib/common.mjs';
import { baselineApp } from './lib/baseline.mjs';

const defaultBaseline = 'a9392d7';

function cannon(options) {
  return new Promise((resolve, reject) => {
    autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

let address = 0;
function nextAddress() {
  address += 1;
  return `10.${(address >> 16) & 255}.${(address >> 8) & 255}.${address & 255}`;
}

/** CPU seconds of every Postgres backend serving `database` now, by pid. */
async function backendCpu(admin, database) {
  const { rows } = await admin.query('select pid from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [database]);
  const cpu = new Map();
  for (const { pid } of rows) {
    try {
      cpu.set(pid, cpuSeconds(pid));
    } catch {
      // ended meanwhile
    }
  }
  return cpu;
}

/** CPU a set of backends used between two readings (a backend that started meanwhile: all of it). */
function cpuBetween(before, after) {
  let seconds = 0;
  for (const [pid, value] of after) seconds += value - (before.get(pid) ?? 0);
  return seconds;
}

/**
 * Empties the pending uploads, then inserts `count` of them as the app would have (with their
 * running totals where the schema has them), and VACUUM ANALYZE so that both states are read with
 * fresh statistics.
 */
async function setPending(client, count) {
  const hasTotals = (await client.query(`select to_regclass('pending_upload_bytes') is not null as present`)).rows[0].present;
  await client.query(`delete from blobs where state = 'pending'`);
  if (hasTotals) await client.query('delete from pending_upload_bytes');
  if (count > 0) {
    const countedUntil = hasTotals ? `, date_trunc('minute', created + interval '3660 seconds') + interval '1 minute'` : '';
    await client.query(
      `insert into blobs (key, filename, content_type, byte_size, checksum, metadata, service_name, state, client_address, created_at${hasTotals ? ', counted_until' : ''})
       select 'benchpending' || n, 'resume.pdf', 'application/pdf', 4096, 'AAAAAAAAAAAAAAAAAAAAAA==', '{}'::jsonb, 'disk', 'pending',
              format('198.18.%s.%s', (n % 5000) / 250, n % 250), created${countedUntil}
       from generate_series(1, $1::int) as n, lateral (select now() - make_interval(secs => n % 3000) as created) as c`,
      [count],
    );
    if (hasTotals) {
      await client.query(
        `insert into pending_upload_bytes (scope, until, bytes)
         select scopes.scope, b.counted_until, sum(b.byte_size) from blobs as b
         cross join lateral (values (b.client_address), ('*')) as scopes(scope)
         where b.state = 'pending' group by 1, 2`,
      );
    }
  }
  await client.query('vacuum analyze blobs');
  if (hasTotals) await client.query('vacuum analyze pending_upload_bytes');
  return Number((await client.query(`select count(*) from blobs where state = 'pending'`)).rows[0].count);
}

export async function runBuild({ name, label, appDir, sourceDir, port, duration, counts, rounds, presignBody }) {
  const prepared = await prepareApp({
    storage: 'disk-postgres',
    port,
    label: `pending-${name}`,
    sourceDir,
    // The app's defaults: rate limits, upload size and pending-upload ceilings; one proxy hop.
    extraEnv: { TRUSTED_PROXY_HOPS: '1', UPLOAD_URL_EXPIRES_IN: '3600', RATE_LIMIT_DIRECT_UPLOADS: '', MAX_UPLOAD_BYTES: '', PENDING_UPLOAD_BYTES_PER_CLIENT: '', PENDING_UPLOAD_BYTES_TOTAL: '' },
  });
  const database = new URL(prepared.env.DATABASE_URL).pathname.slice(1);
  const client = new pg.Client({ connectionString: prepared.env.DATABASE_URL });
  await client.connect();
  const presign = (url) => fetch(`${url}/api/direct-uploads`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': nextAddress() }, body: presignBody });
  let server;
  try {
    server = await launchNext({ appDir, port, env: prepared.env, ready: presign });
    const options = (seconds) => ({
      url: server.url,
      timeout: 30,
      connections: 16,
      duration: seconds,
      requests: [
        {
          method: 'POST',
          path: '/api/direct-uploads',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: presignBody,
          setupRequest: (request) => ({ ...request, headers: { ...request.headers, 'x-forwarded-for': nextAddress() } }),
        },
      ],
    });
    // Long enough that the first measured run does not pay for the JIT and the pool's connections.
    await cannon(options(10));
    const runs = [];
    for (let round = 1; round <= rounds; round += 1) {
      for (const count of counts) {
        const pendingBefore = await setPending(client, count);
        await sleep(500);
        const appBefore = cpuSeconds(server.pid);
        const pgBefore = await backendCpu(client, database);
        const result = await cannon(options(duration));
        const appSeconds = cpuSeconds(server.pid) - appBefore;
        const pgSeconds = cpuBetween(pgBefore, await backendCpu(client, database));
        const answered = result.requests.total;
        const run = {
          round,
          target: count,
          pending: pendingBefore,
          requests: answered,
          requestsPerSecond: result.requests.average,
          p99: result.latency.p99,
          errors: result.errors + result.timeouts + result.non2xx,
          appCpuMsPerRequest: (appSeconds * 1000) / answered,
          postgresCpuMsPerRequest: (pgSeconds * 1000) / answered,
        };
        runs.push(run);
        log(
          `pending ${name} round ${round}, ${pendingBefore} pending: ${run.requestsPerSecond.toFixed(0)} req/s, app ${run.appCpuMsPerRequest.toFixed(3)} + Postgres ${run.postgresCpuMsPerRequest.toFixed(3)} CPU ms/request, p99 ${run.p99} ms, errors ${run.errors}`,
        );
      }
    }
    const mean = (values) => values.reduce((sum, value) => sum + value, 0) / values.length;
    const summary = Object.fromEntries(
      counts.map((count) => {
        const chosen = runs.filter((run) => run.target === count);
        return [
          count,
          {
            appCpuMsPerRequest: mean(chosen.map((run) => run.appCpuMsPerRequest)),
            postgresCpuMsPerRequest: mean(chosen.map((run) => run.postgresCpuMsPerRequest)),
            requestsPerSecond: mean(chosen.map((run) => run.requestsPerSecond)),
            p99: Math.max(...chosen.map((run) => run.p99)),
            errors: chosen.reduce((sum, run) => sum + run.errors, 0),
          },
        ];
      }),
    );
    return { name, label, runs, summary };
  } finally {
    await server?.stop();
    await client.end();
    await prepared.cleanup();
  }
}

export async function runPending({
  duration = Number(process.env.BENCH_PENDING_SECONDS ?? 10),
  count = Number(process.env.BENCH_PENDING_COUNT ?? 50_000),
  rounds = Number(process.env.BENCH_PENDING_ROUNDS ?? 2),
} = {}) {
  const file = await makePdfFile(4096);
  const bytes = readFileSync(file);
  const { checksum } = await nativeMd5(file);
  const presignBody = JSON.stringify({ file: { filename: 'resume.pdf', byte_size: bytes.length, checksum, content_type: 'application/pdf', metadata: {} } });
  const counts = [0, count];
  const baselineCommit = process.env.BENCH_PENDING_BASELINE ?? defaultBaseline;
  const builds = [
    { name: 'this', label: 'this build (running totals)', appDir: await appSnapshot(), sourceDir: repoDir, port: 3461 },
  ];
  if (baselineCommit !== 'none') {
    const dir = await baselineApp(baselineCommit);
    builds.push({ name: 'baseline', label: `before (${baselineCommit}: a sum over pending blobs)`, appDir: dir, sourceDir: dir, port: 3462 });
  }
  const results = [];
  for (const build of builds) results.push(await runBuild({ ...build, duration, counts, rounds, presignBody }));
  return { duration, counts, rounds, baselineCommit, connections: 16, objectBytes: bytes.length, builds: results, source: path.relative(repoDir, import.meta.filename) };
}
