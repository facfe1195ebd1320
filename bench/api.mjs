// 3. API cost against the framework's floor. A minimal Next.js app of the same version (bench/lib/floor.mjs)
// and the product, each under `next start`, one after the other, loaded by autocannon (in this
// process) at 16 and 64 connections: server CPU ms per request (utime + stime of the server process
// from /proc over the run ÷ requests answered; the load generator is another process and is not
// counted), req/s, latency, errors; RSS idle after start, after warm-up and at the end, and peak
// during the 64-connection run. The product runs POST /api/direct-uploads, then (with the blobs it
// handed out uploaded) POST /api/users, on disk + PGlite, disk + Postgres and S3 + Postgres, with
// the default rate limits on and every request from its own address; each applicant's resume is
// analysis job is queued for a worker that is not the server under test (JOBS_IN_PROCESS=false;
// BENCH_API_ANALYSIS=inline runs the in-process worker instead, whose figures then include it). Then cold starts (spawn of
// `next start` → first 200 from POST /api/direct-uploads, 5 times) and, when .vercel/output exists,
// the traced size of each Vercel function.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import autocannon from 'autocannon';
import { appSnapshot, ensureGateway, launchNext, prepareApp } from './lib/app.mjs';
import { cpuSeconds, log, makePdfFile, median, memory, nativeMd5, repoDir, resetPeak, sleep, workDir } from './lib/common.mjs';
import { floorApp, floorRoute } from './lib/floor.mjs';
import { summariseProfiles } from './lib/profile.mjs';
import { connectInspector, inspectArgs } from './lib/inspector.mjs';
import { splitCpu, threadSnapshot } from './lib/threads.mjs';
import { vercelFunctionSizes } from './lib/vercel-sizes.mjs';

const MiB = 2 ** 20;

function cannon(options) {
  return new Promise((resolve, reject) => {
    autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

/**
 * One autocannon run with the server process's CPU and peak RSS read around it. The CPU is split
 * by thread: what served the requests (main thread, libuv pool, V8's platform threads) and what
 * worker threads used (the resume analysis after each attach, lib/analysis, runs PDF.js in one).
 */
async function measuredRun(server, options, profiling) {
  resetPeak(server.pid);
  const cpuBefore = cpuSeconds(server.pid);
  const threadsBefore = threadSnapshot(server.pid);
  const result = profiling ? await profiling.inspector.profile(profiling.folder, profiling.name, () => cannon(options)) : await cannon(options);
  const threadsAfter = threadSnapshot(server.pid);
  const cpu = cpuSeconds(server.pid) - cpuBefore;
  const split = splitCpu(threadsBefore, threadsAfter, cpu);
  const answered = result.requests.total;
  const perRequest = (seconds) => (answered > 0 ? (seconds * 1000) / answered : NaN);
  return {
    connections: options.connections,
    seconds: options.duration,
    requestsPerSecond: result.requests.average,
    total: answered,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    errors: result.errors + result.timeouts + result.non2xx,
    breakdown: { errors: result.errors, timeouts: result.timeouts, non2xx: result.non2xx, statusCodeStats: result.statusCodeStats },
    serverCpuPercent: (cpu / options.duration) * 100,
    // The request's own cost: the process without its worker threads (the floor has none).
    cpuMsPerRequest: perRequest(split.requestSeconds),
    // Everything the process used, worker threads included.
    processCpuMsPerRequest: perRequest(cpu),
    workerCpuMsPerRequest: perRequest(split.workerSeconds),
    threadCpuMsPerRequest: Object.fromEntries(Object.entries(split.groups).map(([group, seconds]) => [group, perRequest(seconds)])),
    peakRssMB: memory(server.pid).hwm / MiB,
  };
}

const rssMB = (pid) => memory(pid).rss / MiB;

/** A full GC through the inspector, then the server's RSS and V8's figures. */
async function gcReading(inspector, pid) {
  const usage = await inspector.memoryAfterGc();
  await sleep(1000);
  return { rssMB: rssMB(pid), heapUsedMB: usage.heapUsed / MiB, heapTotalMB: usage.heapTotal / MiB, externalMB: usage.external / MiB };
}

// Long enough for V8's memory reducer to shrink the heap of an idle process.
const idlePauseMs = 10_000;

/**
 * Waits `idlePauseMs` with no request, then reads the RSS; says how much CPU the process used
 * meanwhile (worker threads apart), so that a process still busy (analyses queued after the
 * applicant runs) is not taken for an idle one.
 */
async function idleReading(pid) {
  const cpuBefore = cpuSeconds(pid);
  const threadsBefore = threadSnapshot(pid);
  await sleep(idlePauseMs);
  const cpu = cpuSeconds(pid) - cpuBefore;
  const split = splitCpu(threadsBefore, threadSnapshot(pid), cpu);
  return { rssMB: rssMB(pid), cpuSeconds: cpu, workerCpuSeconds: split.workerSeconds };
}


async function putAll(uploads, bytes, concurrency = 16) {
  let index = 0;
  let failed = 0;
  const worker = async () => {
    while (index < uploads.length) {
      const upload = uploads[index++];
      const response = await fetch(upload.direct_upload.url, { method: 'PUT', headers: upload.direct_upload.headers, body: bytes });
      if (response.status !== 200) failed += 1;
      await response.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return failed;
}

// Every request from its own address, as real traffic would be: the rate limiter's database write
// is part of each request. Real IPv4 addresses (not names), behind one trusted proxy hop. They are
// only header values: every request goes to the server on 127.0.0.1.
let address = 0;
function nextAddress() {
  address += 1;
  return `10.${(address >> 16) & 255}.${(address >> 8) & 255}.${address & 255}`;
}
const fromNewClient = (request) => ({ ...request, headers: { ...request.headers, 'x-forwarded-for': nextAddress() } });

const jsonHeaders = { 'content-type': 'application/json', accept: 'application/json' };

function presignBodyFor(bytes, checksum) {
  return JSON.stringify({
    file: { filename: 'resume.pdf', byte_size: bytes.length, checksum, content_type: 'application/pdf', metadata: {} },
  });
}

/**
 * The server's env beside the target's: default rate limits, default upload size and pending-upload
 * ceilings (the other benchmarks raise MAX_UPLOAD_BYTES for their 1 GB files, which the ceilings'
 * defaults refuse), one trusted proxy hop.
 */
const productEnv = {
  UPLOAD_URL_EXPIRES_IN: '3600',
  TRUSTED_PROXY_HOPS: '1',
  RATE_LIMIT_DIRECT_UPLOADS: '',
  RATE_LIMIT_USERS: '',
  MAX_UPLOAD_BYTES: '',
};

const readyByPresign = (presignBody) => (url) =>
  fetch(`${url}/api/direct-uploads`, { method: 'POST', headers: { ...jsonHeaders, 'x-forwarded-for': nextAddress() }, body: presignBody });

export async function runFloor({ duration, connectionCounts, port, profileDir }) {
  const { dir, version } = floorApp();
  const body = JSON.stringify({ file: { filename: 'resume.pdf', byte_size: 4096, checksum: 'A'.repeat(22) + '==', content_type: 'application/pdf', metadata: {} } });
  const ready = (url) => fetch(`${url}${floorRoute}`, { method: 'POST', headers: jsonHeaders, body });
  const server = await launchNext({
    appDir: dir,
    port,
    env: {},
    ready,
    nodeArgs: profileDir ? inspectArgs : [],
  });
  const inspector = profileDir ? await connectInspector(server.output) : null;
  try {
    await sleep(1000);
    const idleAfterStartMB = rssMB(server.pid);
    const options = (connections, seconds) => ({
      url: server.url,
      headers: jsonHeaders,
      timeout: 30,
      connections,
      duration: seconds,
      requests: [{ method: 'POST', path: floorRoute, body, setupRequest: fromNewClient }],
    });
    await cannon(options(16, 3));
    const runs = [];
    for (const connections of connectionCounts) {
      const profiling = inspector && { inspector, folder: path.join(profileDir, 'floor'), name: `echo-c${connections}` };
      const run = await measuredRun(server, options(connections, duration), profiling);
      runs.push(run);
      log(`api floor c=${connections}: ${run.requestsPerSecond.toFixed(0)} req/s, ${run.cpuMsPerRequest.toFixed(2)} CPU ms/request, errors ${run.errors}`);
    }
    const atEnd = await idleReading(server.pid);
    return { nextVersion: version, dir, idleAfterStartMB, idleAtEndMB: atEnd.rssMB, idleAtEnd: atEnd, runs };
  } finally {
    inspector?.close();
    await server.stop();
  }
}

/** The floor's cold start, measured as the product's: spawn → first 200 from its one route. */
async function floorColdStarts({ port, reps }) {
  const { dir } = floorApp();
  const body = JSON.stringify({ file: { filename: 'resume.pdf', byte_size: 4096, checksum: 'A'.repeat(22) + '==', content_type: 'application/pdf', metadata: {} } });
  const ready = (url) => fetch(`${url}${floorRoute}`, { method: 'POST', headers: jsonHeaders, body });
  const runs = [];
  for (let rep = 0; rep < reps; rep += 1) {
    const noting = noteListening(ready);
    const server = await launchNext({ appDir: dir, port, env: {}, ready: noting.ready, pollMs: 20, timeoutMs: 60_000 });
    runs.push({ readyMs: server.readyMs, listeningMs: noting.noted.listeningMs });
    await server.stop();
    await sleep(500);
  }
  return coldSummary('floor', 'floor: bare Next.js', runs);
}

/**
 * One target on one build: presigns at each connection count, then (`users`) the uploads and the
 * applicants. `appDir` serves another build than the current one (to compare two side by side).
 */
export async function runTarget({ target, duration, connectionCounts, port, bytes, checksum, profileDir, appDir: givenAppDir, users = true, analysis = 'elsewhere' }) {
  const appDir = givenAppDir ?? (await appSnapshot());
  // analysis 'elsewhere' (the default): each applicant's analysis job is queued for a worker that
  // is not this server (JOBS_IN_PROCESS=false, as with Heroku's worker dyno or Vercel's jobs route);
  // 'inline': analyzed in the server under test after each response, which its figures then include.
  const analysisEnv = { JOBS_IN_PROCESS: analysis === 'elsewhere' ? 'false' : 'true' };
  const prepared = await prepareApp({ storage: target.storage, port, label: `api-${target.name}`, extraEnv: { ...productEnv, ...analysisEnv } });
  const presignBody = presignBodyFor(bytes, checksum);
  let server;
  let inspector;
  try {
    server = await launchNext({
      appDir,
      port,
      env: prepared.env,
      ready: readyByPresign(presignBody),
      nodeArgs: profileDir ? inspectArgs : [],
    });
    inspector = profileDir ? await connectInspector(server.output) : null;
    const profiling = (name) => inspector && { inspector, folder: path.join(profileDir, target.name), name };
    await sleep(1000);
    const idleAfterStartMB = rssMB(server.pid);
    const base = { url: server.url, headers: jsonHeaders, timeout: 30 };
    const uploads = [];
    const presignOptions = (connections, seconds) => ({
      ...base,
      connections,
      duration: seconds,
      requests: [
        {
          method: 'POST',
          path: '/api/direct-uploads',
          body: presignBody,
          setupRequest: fromNewClient,
          onResponse: (status, body) => {
            if (status === 200) uploads.push(JSON.parse(body));
          },
        },
      ],
    });
    let sequence = 0;
    let exhausted = 0;
    const pool = [];
    const usersOptions = (connections, seconds) => ({
      ...base,
      connections,
      duration: seconds,
      requests: [
        {
          method: 'POST',
          path: '/api/users',
          setupRequest: (request) => {
            const token = pool.pop();
            if (!token) exhausted += 1;
            sequence += 1;
            return {
              ...fromNewClient(request),
              body: JSON.stringify({
                email: `bench.api.${target.name}.${sequence}.${process.pid}@example.com`,
                first_name: 'Bench',
                last_name: `Api ${sequence}`,
                pdf: token ?? 'exhausted',
              }),
            };
          },
        },
      ],
    });
    const result = { name: target.name, label: target.label, analysis, idleAfterStartMB, directUploads: [], users: [] };
    await cannon(presignOptions(16, 3));
    await sleep(1000);
    result.idleAfterWarmupMB = rssMB(server.pid);
    if (inspector) result.afterWarmupGc = await gcReading(inspector, server.pid);
    for (const connections of connectionCounts) {
      const run = await measuredRun(server, presignOptions(connections, duration), profiling(`direct-uploads-c${connections}`));
      result.directUploads.push(run);
      log(`api ${target.name} direct-uploads c=${connections}: ${run.requestsPerSecond.toFixed(0)} req/s, ${run.cpuMsPerRequest.toFixed(2)} CPU ms/request, p99 ${run.p99} ms, errors ${run.errors}`);
    }
    if (!users) return result;
    // Only as many uploads as the applicant runs can use (at most ~400/s here), in the order made.
    const needed = Math.min(uploads.length, Math.ceil(400 * (duration * connectionCounts.length + 3)));
    const toPut = uploads.slice(0, needed);
    const putStarted = performance.now();
    result.failedPuts = await putAll(toPut, bytes);
    log(`api ${target.name}: PUT ${toPut.length} of ${uploads.length} blobs in ${((performance.now() - putStarted) / 1000).toFixed(1)} s, ${result.failedPuts} failed`);
    pool.push(...toPut.map((upload) => upload.blob_signed_id).reverse());
    result.uploadedBlobs = pool.length;
    await cannon(usersOptions(16, 3));
    for (const connections of connectionCounts) {
      exhausted = 0;
      const run = await measuredRun(server, usersOptions(connections, duration), profiling(`users-c${connections}`));
      run.requestsWithoutBlob = exhausted;
      // --profile: what survives a full GC after each applicant run. The first run loads the
      // route's code; growth from one run to the next, with the same requests, would be a leak.
      if (inspector) {
        run.afterGc = await gcReading(inspector, server.pid);
        log(`api ${target.name} users c=${connections}: after a full GC: heap used ${run.afterGc.heapUsedMB.toFixed(1)} MB, RSS ${run.afterGc.rssMB.toFixed(0)} MB`);
      }
      result.users.push(run);
      log(
        `api ${target.name} users c=${connections}: ${run.requestsPerSecond.toFixed(0)} req/s, ${run.cpuMsPerRequest.toFixed(2)} CPU ms/request ` +
          `(+ ${run.workerCpuMsPerRequest.toFixed(2)} in worker threads), p99 ${run.p99} ms, errors ${run.errors}`,
      );
    }
    const atEnd = await idleReading(server.pid);
    result.idleAtEndMB = atEnd.rssMB;
    result.idleAtEnd = atEnd;
    if (inspector) {
      // --profile only (the inspector is attached): what survives a full GC, after the warm-up and
      // after every run: retained memory that grows is a leak; garbage and free heap are not.
      result.afterGc = await gcReading(inspector, server.pid);
      const [before, after] = [result.afterWarmupGc, result.afterGc];
      log(
        `api ${target.name}: after a full GC, warm-up → end: RSS ${before.rssMB.toFixed(0)} → ${after.rssMB.toFixed(0)} MB, ` +
          `heap used ${before.heapUsedMB.toFixed(1)} → ${after.heapUsedMB.toFixed(1)} MB, external ${before.externalMB.toFixed(1)} → ${after.externalMB.toFixed(1)} MB`,
      );
    }
    return result;
  } finally {
    inspector?.close();
    await server?.stop();
    await prepared.cleanup();
  }
}

/**
 * A readiness check for launchNext that also notes when the server first answered at all (it
 * listens, whatever the status): cold start = listening + the first request's own wait.
 */
function noteListening(check) {
  const spawned = performance.now();
  const noted = { listeningMs: NaN };
  const ready = async (url) => {
    const response = await check(url);
    if (Number.isNaN(noted.listeningMs)) noted.listeningMs = performance.now() - spawned;
    return response;
  };
  return { ready, noted };
}

function coldSummary(name, label, runs) {
  const ms = runs.map((run) => run.readyMs);
  const listening = runs.map((run) => run.listeningMs);
  log(`api cold start ${name}: ${ms.map((value) => value.toFixed(0)).join(', ')} ms (listening after ${listening.map((value) => value.toFixed(0)).join(', ')} ms)`);
  return { name, label, ms, medianMs: median(ms), listeningMs: listening, medianListeningMs: median(listening) };
}

/** Spawn of `next start` → first 200 from POST /api/direct-uploads, `reps` times on one set-up. */
export async function coldStarts({ target, port, reps, bytes, checksum, appDir: givenAppDir }) {
  const appDir = givenAppDir ?? (await appSnapshot());
  const prepared = await prepareApp({ storage: target.storage, port, label: `cold-${target.name}`, extraEnv: productEnv });
  const presignBody = presignBodyFor(bytes, checksum);
  const runs = [];
  try {
    for (let rep = 0; rep < reps; rep += 1) {
      const { ready, noted } = noteListening(readyByPresign(presignBody));
      const server = await launchNext({ appDir, port, env: prepared.env, ready, pollMs: 20, timeoutMs: 60_000 });
      runs.push({ readyMs: server.readyMs, listeningMs: noted.listeningMs });
      await server.stop();
      await sleep(500);
    }
  } finally {
    await prepared.cleanup();
  }
  return coldSummary(target.name, target.label, runs);
}

export const allTargets = [
  { name: 'disk-pglite', storage: 'disk', label: 'disk + PGlite', port: 3401 },
  { name: 'disk-postgres', storage: 'disk-postgres', label: 'disk + Postgres', port: 3402 },
  { name: 's3-postgres', storage: 's3', label: 'S3 (Ceph RGW) + Postgres', port: 3403 },
];

export async function runApi({ duration = Number(process.env.BENCH_API_SECONDS ?? 20) } = {}) {
  const connectionCounts = (process.env.BENCH_API_CONNECTIONS ?? '16,64').split(',').map(Number);
  const wanted = (process.env.BENCH_API_TARGETS ?? allTargets.map((target) => target.name).join(',')).split(',');
  const targets = allTargets.filter((target) => wanted.includes(target.name));
  const coldReps = Number(process.env.BENCH_COLD_STARTS ?? 5);
  const gateway = targets.some((target) => target.storage === 's3') ? ensureGateway() : 'not used';
  // BENCH_PROFILE=1 (npm run bench -- api --profile): a V8 CPU profile of each server for its whole run.
  const profileDir = process.env.BENCH_PROFILE === '1' ? path.join(workDir, 'api-profile') : null;
  if (profileDir) {
    rmSync(profileDir, { recursive: true, force: true });
    mkdirSync(profileDir, { recursive: true });
  }
  const file = await makePdfFile(4096);
  const bytes = readFileSync(file);
  const { checksum } = await nativeMd5(file);

  const floor = await runFloor({ duration, connectionCounts, port: 3400, profileDir });
  // One target failing (a gateway that went away) does not lose the others' figures.
  const attempt = async (target, run) => {
    try {
      if (target.storage === 's3') ensureGateway();
      return await run();
    } catch (error) {
      log(`api ${target.name} failed: ${error.stack ?? error}`);
      return { name: target.name, label: target.label, error: String(error.message ?? error) };
    }
  };
  const results = [];
  // BENCH_API_ANALYSIS=inline: the resumes analyzed in the server under test (the default off Vercel).
  const analysis = process.env.BENCH_API_ANALYSIS === 'inline' ? 'inline' : 'elsewhere';
  for (const target of targets) {
    results.push(await attempt(target, () => runTarget({ target, duration, connectionCounts, port: target.port, bytes, checksum, profileDir, analysis })));
  }
  const cold = [];
  if (!profileDir) {
    cold.push(await floorColdStarts({ port: 3410, reps: coldReps }));
    for (const target of targets) {
      cold.push(await attempt(target, () => coldStarts({ target, port: target.port + 10, reps: coldReps, bytes, checksum })));
    }
  }
  const profile = profileDir
    ? Object.fromEntries(
        ['floor', ...targets.map((target) => target.name)]
          .filter((name) => existsSync(path.join(profileDir, name)))
          .map((name) => [name, summariseProfiles(path.join(profileDir, name))]),
      )
    : null;
  return { gateway, duration, connectionCounts, objectBytes: bytes.length, floor, targets: results, coldStarts: cold, vercel: vercelFunctionSizes(), profile, presignUrl: await presignUrlCost() };
}

/** CPU µs per presigned S3 URL: the SDK's getSignedUrl against the app's (bench/presign-url.ts). */
async function presignUrlCost() {
  const { stdout } = await promisify(execFile)(process.execPath, ['--conditions=react-server', '--import', 'tsx', 'bench/presign-url.ts'], {
    cwd: repoDir,
    env: { ...process.env, NODE_ENV: 'production' },
  });
  const result = JSON.parse(stdout.trim().split('\n').at(-1));
  log(`api presigned S3 URL, CPU µs: PUT ${result.sdkPutUs.toFixed(0)} (getSignedUrl) vs ${result.oursPutUs.toFixed(0)} (ours); GET ${result.sdkGetUs.toFixed(0)} vs ${result.oursGetUs.toFixed(0)}`);
  return result;
}
