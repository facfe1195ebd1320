// 3. API throughput with autocannon against `next start` + Postgres + S3 (Ceph gateway):
// POST /api/direct-uploads, then POST /api/users with blobs uploaded beforehand, 16 and 64
// connections for 20 s each: requests/s, p50, p99, errors, and the server's CPU use meanwhile.
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import autocannon from 'autocannon';
import { ensureGateway, startApp } from './lib/app.mjs';
import { cpuSeconds, log, makePdfFile, nativeMd5, workDir } from './lib/common.mjs';
import { summariseProfiles } from './lib/profile.mjs';

function cannon(options) {
  return new Promise((resolve, reject) => {
    autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

async function measuredRun(app, options) {
  const cpuBefore = cpuSeconds(app.pid);
  const result = await cannon(options);
  const cpu = cpuSeconds(app.pid) - cpuBefore;
  return {
    connections: options.connections,
    seconds: options.duration,
    requestsPerSecond: result.requests.average,
    total: result.requests.total,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    errors: result.errors + result.timeouts + result.non2xx,
    breakdown: { errors: result.errors, timeouts: result.timeouts, non2xx: result.non2xx, statusCodeStats: result.statusCodeStats },
    serverCpuPercent: (cpu / options.duration) * 100,
  };
}

async function putAll(uploads, bytes, concurrency = 32) {
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

export async function runApi({ duration = Number(process.env.BENCH_API_SECONDS ?? 20) } = {}) {
  const connectionCounts = (process.env.BENCH_API_CONNECTIONS ?? '16,64').split(',').map(Number);
  const gateway = ensureGateway();
  // BENCH_PROFILE=1 (npm run bench -- api --profile): V8 CPU profile of next-server for the whole run.
  const profileDir = process.env.BENCH_PROFILE === '1' ? path.join(workDir, 'api-profile') : null;
  if (profileDir) {
    rmSync(profileDir, { recursive: true, force: true });
    mkdirSync(profileDir, { recursive: true });
  }
  const file = await makePdfFile(4096);
  const bytes = readFileSync(file);
  const { checksum } = await nativeMd5(file);
  // The rate limiter stays on with its default limits; as in production traffic, every request
  // comes from its own client address (X-Forwarded-For behind one trusted proxy hop).
  const app = await startApp({
    storage: 's3',
    port: 3320,
    label: 'api',
    extraEnv: {
      UPLOAD_URL_EXPIRES_IN: '3600',
      TRUSTED_PROXY_HOPS: '1',
      RATE_LIMIT_DIRECT_UPLOADS: '',
      RATE_LIMIT_USERS: '',
    },
    nodeArgs: profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
  });
  let address = 0;
  const fromNewClient = (request) => {
    address += 1;
    const forwarded = `10.${(address >> 16) & 255}.${(address >> 8) & 255}.${address & 255}`;
    return { ...request, headers: { ...request.headers, 'x-forwarded-for': forwarded } };
  };
  const base = { url: app.url, headers: { 'content-type': 'application/json', accept: 'application/json' }, timeout: 30 };
  const presignBody = JSON.stringify({
    file: { filename: 'resume.pdf', byte_size: bytes.length, checksum, content_type: 'application/pdf', metadata: {} },
  });
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
              email: `bench.api.${sequence}.${process.pid}@example.com`,
              first_name: 'Bench',
              last_name: `Api ${sequence}`,
              pdf: token ?? 'exhausted',
            }),
          };
        },
      },
    ],
  });
  const results = { directUploads: [], users: [] };
  try {
    log('api: warming up POST /api/direct-uploads');
    await cannon(presignOptions(16, 3));
    for (const connections of connectionCounts) {
      const run = await measuredRun(app, presignOptions(connections, duration));
      results.directUploads.push(run);
      log(`api direct-uploads c=${connections}: ${run.requestsPerSecond.toFixed(0)} req/s p50 ${run.p50} ms p99 ${run.p99} ms errors ${run.errors}`);
    }
    log(`api: uploading ${uploads.length} small PDFs to their presigned URLs`);
    const putStarted = performance.now();
    const failedPuts = await putAll(uploads, bytes);
    log(`api: uploaded in ${((performance.now() - putStarted) / 1000).toFixed(1)} s, ${failedPuts} failed`);
    pool.push(...uploads.map((upload) => upload.blob_signed_id).reverse());
    const poolSize = pool.length;
    await cannon(usersOptions(16, 3));
    for (const connections of connectionCounts) {
      exhausted = 0;
      const run = await measuredRun(app, usersOptions(connections, duration));
      run.requestsWithoutBlob = exhausted;
      results.users.push(run);
      log(`api users c=${connections}: ${run.requestsPerSecond.toFixed(0)} req/s p50 ${run.p50} ms p99 ${run.p99} ms errors ${run.errors}`);
    }
    results.meta = { gateway, duration, objectBytes: bytes.length, uploadedBlobs: poolSize, failedPuts, profiled: Boolean(profileDir) };
  } finally {
    await app.stop();
  }
  const { meta, ...runs } = results;
  const profile = profileDir ? summariseProfiles(profileDir) : null;
  return { ...meta, ...runs, profile };
}
