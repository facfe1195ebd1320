// npm run bench -- jobs: the pg-boss job queue (issue 19) against the old after() path, side by side
// in one run, on disk storage + Postgres, `next start` on 127.0.0.1:
//   latency     attach (POST /api/users answered) → analyzed (blobs.analyzed_at), 1-page resumes at
//               5 applications/s for 60 s: the in-process worker, and the baseline build (commit
//               a9392d7, analysis in after())
//   cpu         POST /api/users CPU per request (the server's threads but its worker threads): the
//               job sent in the attach's transaction (JOBS_IN_PROCESS=false, nothing analyzed in the
//               process) against the baseline, its analysis handed to a counting sink (ANALYSIS_URL)
//   throughput  1-page resumes analyzed per second by one `jobs:work` worker, then by two
//   cold start  spawn → first 200 from POST /api/direct-uploads, with the in-process worker and
//               without (JOBS_IN_PROCESS=false), interleaved
//   memory      the web process's RSS after 60 s of applications (presign, PUT, POST) at 64
//               connections, with and without the in-process worker
// Each part is bounded in time; BENCH_JOBS_PARTS=latency,cpu,... runs some of them.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { appSnapshot, launchNext, prepareApp } from './lib/app.mjs';
import { startAnalysisSink } from './lib/analysis-sink.mjs';
import { baselineApp } from './lib/baseline.mjs';
import { cpuSeconds, log, makePdfFile, median, memory, repoDir, resetPeak, sleep } from './lib/common.mjs';
import { splitCpu, threadSnapshot } from './lib/threads.mjs';

const MiB = 2 ** 20;
const baselineCommit = 'a9392d7';
const tsxCli = path.join(repoDir, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const jsonHeaders = { 'content-type': 'application/json', accept: 'application/json' };
const parts = (process.env.BENCH_JOBS_PARTS ?? 'latency,cpu,throughput,cold,memory').split(',');

function quantile(values, q) {
  const sorted = values.filter((value) => !Number.isNaN(value)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

let address = 0;
const nextAddress = () => {
  address += 1;
  return `10.${(address >> 16) & 255}.${(address >> 8) & 255}.${address & 255}`;
};

async function resumeFile() {
  const file = await makePdfFile(16 * 1024);
  const bytes = readFileSync(file);
  return { bytes, checksum: createHash('md5').update(bytes).digest('base64') };
}

/** Presign and PUT: a blob token ready to attach. */
async function upload(url, resume) {
  const headers = { ...jsonHeaders, 'x-forwarded-for': nextAddress() };
  const presigned = await fetch(`${url}/api/direct-uploads`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ file: { filename: 'resume.pdf', byte_size: resume.bytes.length, checksum: resume.checksum, content_type: 'application/pdf', metadata: {} } }),
  });
  const body = await presigned.json();
  if (presigned.status !== 200) throw new Error(`presign answered ${presigned.status}: ${JSON.stringify(body)}`);
  const put = await fetch(body.direct_upload.url, { method: 'PUT', headers: body.direct_upload.headers, body: resume.bytes });
  await put.arrayBuffer();
  if (put.status !== 200) throw new Error(`PUT answered ${put.status}`);
  return body.blob_signed_id;
}

let sequence = 0;
/** POST /api/users with a blob token; returns the applicant's email and when the answer came (epoch ms). */
async function attach(url, token) {
  sequence += 1;
  const email = `bench.jobs.${process.pid}.${sequence}@example.com`;
  const response = await fetch(`${url}/api/users`, {
    method: 'POST',
    headers: { ...jsonHeaders, 'x-forwarded-for': nextAddress() },
    body: JSON.stringify({ email, first_name: 'Bench', last_name: 'Jobs', pdf: token }),
  });
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`POST /api/users answered ${response.status}`);
  return { email, answeredAt: Date.now() };
}

async function withApp({ label, port, appDir, sourceDir = repoDir, env = {} }, run) {
  const prepared = await prepareApp({ storage: 'disk-postgres', port, label: `jobs-${label}`, extraEnv: { TRUSTED_PROXY_HOPS: '1', ...env }, sourceDir });
  const db = new pg.Pool({ connectionString: prepared.env.DATABASE_URL, max: 2 });
  let server;
  try {
    server = await launchNext({ appDir, port, env: prepared.env });
    return await run({ server, db, env: prepared.env });
  } finally {
    await server?.stop();
    await db.end();
    await prepared.cleanup();
  }
}

/** analyzed_at − the attach's answer, per applicant, once all are analyzed (or `capMs` passed). */
async function analysisLatencies(db, attached, capMs) {
  const deadline = Date.now() + capMs;
  for (;;) {
    const { rows } = await db.query(
      `select u.email, extract(epoch from b.analyzed_at) * 1000 as analyzed_ms, b.analysis_error
       from users u join attachments a on a.record_id = u.id join blobs b on b.id = a.blob_id`,
    );
    const done = rows.filter((row) => row.analyzed_ms !== null);
    if (done.length >= attached.length || Date.now() > deadline) {
      const answered = new Map(attached.map((entry) => [entry.email, entry.answeredAt]));
      // One not analyzed by the cap counts as infinitely late: a percentile over the analyzed alone would flatter.
      const latencies = [...done.map((row) => Number(row.analyzed_ms) - answered.get(row.email)), ...Array(attached.length - done.length).fill(Infinity)];
      return { latencies, analyzed: done.length, failed: done.filter((row) => row.analysis_error).length };
    }
    await sleep(500);
  }
}

// ---------- latency ----------

async function latencyRun({ label, port, appDir, sourceDir, env, resume }) {
  return withApp({ label, port, appDir, sourceDir, env }, async ({ server, db }) => {
    // The in-process worker starts 2 s after the server: a moment of idle first, for both.
    await sleep(4000);
    const attached = [];
    const flows = [];
    const started = performance.now();
    for (let n = 0; n < 300; n += 1) {
      const due = started + n * 200;
      await sleep(Math.max(0, due - performance.now()));
      flows.push(upload(server.url, resume).then((token) => attach(server.url, token)).then((entry) => attached.push(entry)));
    }
    const settled = await Promise.allSettled(flows);
    const errors = settled.filter((result) => result.status === 'rejected').length;
    const { latencies, analyzed, failed } = await analysisLatencies(db, attached, 120_000);
    const result = {
      label,
      applications: attached.length,
      errors,
      analyzed,
      failed,
      p50Ms: quantile(latencies, 0.5),
      p99Ms: quantile(latencies, 0.99),
      maxMs: Math.max(...latencies),
      // How long after the last attach the analyses were waited for.
      capSeconds: 120,
    };
    log(`jobs latency ${label}: ${analyzed}/${attached.length} analyzed (${failed} failed, ${errors} errors), p50 ${result.p50Ms.toFixed(0)} ms, p99 ${result.p99Ms.toFixed(0)} ms, max ${result.maxMs.toFixed(0)} ms`);
    return result;
  });
}

// ---------- CPU per POST /api/users ----------

async function cpuRun({ label, port, appDir, sourceDir, env, resume, count = 1500, connections = 16 }) {
  return withApp({ label, port, appDir, sourceDir, env }, async ({ server }) => {
    const tokens = [];
    const fill = async (n) => {
      let left = n;
      await Promise.all(Array.from({ length: 16 }, async () => {
        while (left-- > 0) tokens.push(await upload(server.url, resume));
      }));
    };
    await fill(count + 200);
    // Warm-up: the route's code loaded, its statements prepared.
    const run = async (n) => {
      const batch = tokens.splice(0, n);
      await Promise.all(Array.from({ length: connections }, async () => {
        for (let token = batch.pop(); token; token = batch.pop()) await attach(server.url, token);
      }));
    };
    await run(200);
    await sleep(1000);
    const before = { cpu: cpuSeconds(server.pid), threads: threadSnapshot(server.pid) };
    const started = performance.now();
    await run(count);
    const seconds = (performance.now() - started) / 1000;
    const cpu = cpuSeconds(server.pid) - before.cpu;
    const split = splitCpu(before.threads, threadSnapshot(server.pid), cpu);
    const result = { label, requests: count, seconds, requestsPerSecond: count / seconds, cpuMsPerRequest: (split.requestSeconds * 1000) / count, workerCpuMsPerRequest: (split.workerSeconds * 1000) / count };
    log(`jobs cpu ${label}: ${result.cpuMsPerRequest.toFixed(3)} CPU ms per POST /api/users (+ ${result.workerCpuMsPerRequest.toFixed(3)} in worker threads), ${result.requestsPerSecond.toFixed(0)} req/s`);
    return result;
  });
}

// ---------- worker throughput ----------

function startWorkerProcess(env) {
  const child = spawn(process.execPath, [tsxCli, '--conditions=react-server', 'scripts/work-jobs.ts'], {
    cwd: repoDir,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', ...env, NODE_ENV: 'production' },
    stdio: 'ignore',
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return {
    stop: async () => {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

async function throughputRuns({ port, appDir, resume, count = 100 }) {
  return withApp({ label: 'throughput', port, appDir, env: { JOBS_IN_PROCESS: 'false' } }, async ({ server, db, env }) => {
    const results = [];
    for (const workers of [1, 2]) {
      // Queued first, with no worker: the figure is the workers' own pace, not the senders'.
      const attached = [];
      const tokens = [];
      for (let n = 0; n < count; n += 1) tokens.push(await upload(server.url, resume));
      for (const token of tokens) attached.push(await attach(server.url, token));
      const since = Date.now();
      const processes = Array.from({ length: workers }, () => startWorkerProcess(env));
      try {
        const deadline = Date.now() + 240_000;
        let rows;
        for (;;) {
          ({ rows } = await db.query(
            `select extract(epoch from min(analyzed_at)) * 1000 as first_ms, extract(epoch from max(analyzed_at)) * 1000 as last_ms, count(*)::int as n
             from blobs where analyzed_at is not null and analyzed_at >= to_timestamp($1 / 1000.0)`,
            [since],
          ));
          if (rows[0].n >= count || Date.now() > deadline) break;
          await sleep(500);
        }
        const { first_ms: first, last_ms: last, n } = rows[0];
        // From the first analysis to the last: the workers' start-up is not their pace.
        const perSecond = n > 1 ? (n - 1) / ((Number(last) - Number(first)) / 1000) : NaN;
        results.push({ workers, analyzed: n, perSecond, untilDoneSeconds: (Number(last) - since) / 1000 });
        log(`jobs throughput ${workers} worker(s): ${n}/${count} analyzed, ${perSecond.toFixed(2)} resumes/s (${((Number(last) - since) / 1000).toFixed(1)} s from the workers' spawn)`);
      } finally {
        await Promise.all(processes.map((worker) => worker.stop()));
      }
    }
    return results;
  });
}

// ---------- cold start ----------

async function coldStarts({ port, appDir, resume, reps = 5 }) {
  const withWorker = [];
  const without = [];
  const body = JSON.stringify({ file: { filename: 'resume.pdf', byte_size: resume.bytes.length, checksum: resume.checksum, content_type: 'application/pdf', metadata: {} } });
  const ready = (url) => fetch(`${url}/api/direct-uploads`, { method: 'POST', headers: { ...jsonHeaders, 'x-forwarded-for': nextAddress() }, body });
  const prepared = await prepareApp({ storage: 'disk-postgres', port, label: 'jobs-cold', extraEnv: { TRUSTED_PROXY_HOPS: '1' } });
  try {
    for (let rep = 0; rep < reps; rep += 1) {
      for (const [inProcess, into] of [['true', withWorker], ['false', without]]) {
        const server = await launchNext({ appDir, port, env: { ...prepared.env, JOBS_IN_PROCESS: inProcess }, ready, pollMs: 20, timeoutMs: 60_000 });
        into.push(server.readyMs);
        // Long enough for the in-process worker to start: the next spawn finds the database as a restart would.
        await sleep(3000);
        await server.stop();
        await sleep(500);
      }
    }
  } finally {
    await prepared.cleanup();
  }
  const result = { withWorkerMs: withWorker, withoutMs: without, withWorkerMedianMs: median(withWorker), withoutMedianMs: median(without) };
  result.ratio = result.withWorkerMedianMs / result.withoutMedianMs;
  log(`jobs cold start: with the in-process worker ${withWorker.map((ms) => ms.toFixed(0)).join(', ')} ms; without ${without.map((ms) => ms.toFixed(0)).join(', ')} ms`);
  return result;
}

// ---------- memory under load ----------

async function memoryRun({ label, port, appDir, env, resume, seconds = 60, connections = 64 }) {
  return withApp({ label, port, appDir, env }, async ({ server }) => {
    await sleep(4000);
    const idleMB = memory(server.pid).rss / MiB;
    resetPeak(server.pid);
    let applications = 0;
    let errors = 0;
    const until = performance.now() + seconds * 1000;
    await Promise.all(
      Array.from({ length: connections }, async () => {
        while (performance.now() < until) {
          try {
            await attach(server.url, await upload(server.url, resume));
            applications += 1;
          } catch {
            errors += 1;
          }
        }
      }),
    );
    const { rss, hwm } = memory(server.pid);
    const launcherMB = server.launcherPid !== server.pid ? memory(server.launcherPid).rss / MiB : 0;
    const result = { label, idleMB, afterMB: rss / MiB, peakMB: hwm / MiB, launcherMB, applications, errors, perSecond: applications / seconds };
    log(`jobs memory ${label}: RSS idle ${idleMB.toFixed(0)} MB, after ${seconds} s at ${connections} connections ${result.afterMB.toFixed(0)} MB (peak ${result.peakMB.toFixed(0)}; launcher ${launcherMB.toFixed(0)} MB), ${applications} applications, ${errors} errors`);
    return result;
  });
}

export async function runJobs() {
  const appDir = await appSnapshot();
  const baseline = parts.some((part) => part === 'latency' || part === 'cpu') ? await baselineApp(baselineCommit) : null;
  const resume = await resumeFile();
  const result = { baselineCommit };
  if (parts.includes('latency')) {
    result.latency = [
      await latencyRun({ label: 'jobs, in-process worker', port: 3310, appDir, env: { JOBS_IN_PROCESS: 'true' }, resume }),
      await latencyRun({ label: `baseline ${baselineCommit}, after()`, port: 3311, appDir: baseline, sourceDir: baseline, env: { ANALYSIS_DISPATCH: 'inline' }, resume }),
    ];
  }
  if (parts.includes('cpu')) {
    const sink = await startAnalysisSink();
    try {
      result.cpu = [
        await cpuRun({ label: 'jobs, send in the transaction', port: 3312, appDir, env: { JOBS_IN_PROCESS: 'false' }, resume }),
        await cpuRun({ label: `baseline ${baselineCommit}, hand-off to a sink`, port: 3313, appDir: baseline, sourceDir: baseline, env: { ANALYSIS_URL: sink.url }, resume }),
      ];
    } finally {
      await sink.close();
    }
    result.cpuDeltaMs = result.cpu[0].cpuMsPerRequest - result.cpu[1].cpuMsPerRequest;
  }
  if (parts.includes('throughput')) result.throughput = await throughputRuns({ port: 3314, appDir, resume });
  if (parts.includes('cold')) result.coldStart = await coldStarts({ port: 3315, appDir, resume });
  if (parts.includes('memory')) {
    result.memory = [
      await memoryRun({ label: 'without the worker', port: 3316, appDir, env: { JOBS_IN_PROCESS: 'false' }, resume }),
      await memoryRun({ label: 'with the in-process worker', port: 3317, appDir, env: { JOBS_IN_PROCESS: 'true' }, resume }),
    ];
  }
  return result;
}
