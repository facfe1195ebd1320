// 10. The rate limit as a route option (issue 23): `route({ rateLimit })` counts a presign's hit in
// a statement of its own, before the handler; the build before it (BENCH_RATE_LIMIT_BASELINE,
// default 21c0b87) counted it inside the blob's insert statement (one round trip fewer). POST
// /api/direct-uploads on disk + Postgres with the default limits, every request from its own
// address, 16 connections, as `npm run bench -- pending` with no pending uploads: the app's and
// Postgres's CPU ms per request, req/s and p99, the two builds alternately (this, before, this,
// before) in one run.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { appSnapshot } from './lib/app.mjs';
import { makePdfFile, nativeMd5, repoDir } from './lib/common.mjs';
import { baselineApp } from './lib/baseline.mjs';
import { runBuild } from './pending.mjs';

export async function runRateLimit({
  duration = Number(process.env.BENCH_RATE_LIMIT_SECONDS ?? 10),
  rounds = Number(process.env.BENCH_RATE_LIMIT_ROUNDS ?? 2),
} = {}) {
  const file = await makePdfFile(4096);
  const bytes = readFileSync(file);
  const { checksum } = await nativeMd5(file);
  const presignBody = JSON.stringify({ file: { filename: 'resume.pdf', byte_size: bytes.length, checksum, content_type: 'application/pdf', metadata: {} } });
  const baselineCommit = process.env.BENCH_RATE_LIMIT_BASELINE ?? '21c0b87';
  const builds = [
    { name: 'this', label: 'route option (a statement of its own)', appDir: await appSnapshot(), sourceDir: repoDir, port: 3463 },
    { name: 'baseline', label: `before (${baselineCommit}: counted in the insert)`, ...(await baselineDirs(baselineCommit)), port: 3464 },
  ];
  const runs = [];
  for (let round = 1; round <= rounds; round += 1) {
    for (const build of builds) {
      const result = await runBuild({ ...build, name: `${build.name}-${round}`, duration, counts: [0], rounds: 1, presignBody });
      runs.push({ build: build.name, round, ...result.summary[0] });
    }
  }
  const mean = (name, figure) => {
    const chosen = runs.filter((run) => run.build === name);
    return chosen.reduce((sum, run) => sum + run[figure], 0) / chosen.length;
  };
  const summary = Object.fromEntries(
    builds.map((build) => [
      build.name,
      {
        label: build.label,
        appCpuMsPerRequest: mean(build.name, 'appCpuMsPerRequest'),
        postgresCpuMsPerRequest: mean(build.name, 'postgresCpuMsPerRequest'),
        requestsPerSecond: mean(build.name, 'requestsPerSecond'),
        p99: Math.max(...runs.filter((run) => run.build === build.name).map((run) => run.p99)),
        errors: runs.filter((run) => run.build === build.name).reduce((sum, run) => sum + run.errors, 0),
      },
    ]),
  );
  return { duration, rounds, baselineCommit, connections: 16, runs, summary, source: path.relative(repoDir, import.meta.filename) };
}

async function baselineDirs(commit) {
  const dir = await baselineApp(commit);
  return { appDir: dir, sourceDir: dir };
}
