// 2. Server cost against file size: CPU seconds and peak RSS of the next-server process while
// Chromium runs the whole flow (hash, presign, PUT, create applicant) for a 1 MB and a 1 GB file,
// with S3 (Ceph gateway) + Postgres, with the disk service + PGlite for contrast, and with a
// stand-in proxy (multipart form streamed through a Node server to the same S3) as the anchor.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createBucket, emptyBucket, ensureGateway, startApp } from './lib/app.mjs';
import { chooseFile, fillFields, launchBrowser } from './lib/browser.mjs';
import { MB, benchDir, log, makePdfFile, measureProcess, median, sleep } from './lib/common.mjs';

let sequence = 0;

async function appFlow(browser, app, file) {
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    await page.goto(app.url);
    sequence += 1;
    const person = { first: 'Bench', last: `Cost${sequence}`, email: `bench.cost.${Date.now()}.${sequence}@example.com`, file };
    await fillFields(page, person);
    await page.waitForTimeout(300);
    // The whole flow: the upload starts when the file is chosen, and Submit waits for it.
    const measured = await measureProcess(app.pid, async () => {
      await chooseFile(page, file);
      await page.getByRole('button', { name: 'Submit application' }).click();
      await page.getByRole('heading', { name: `Thanks, ${person.first} ${person.last}!` }).waitFor({ timeout: 600_000 });
    });
    return measured;
  } finally {
    await context.close();
  }
}

async function proxyFlow(browser, proxy, file) {
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    await page.goto(proxy.url);
    await page.getByLabel(/^Resume \(PDF/).setInputFiles(file);
    await page.waitForTimeout(300);
    return await measureProcess(proxy.pid, async () => {
      await page.getByRole('button', { name: 'Submit application' }).click();
      await page.getByRole('heading', { name: /^Stored \d+ bytes$/ }).waitFor({ timeout: 600_000 });
    });
  } finally {
    await context.close();
  }
}

async function startProxy(port, bucket) {
  const child = spawn(process.execPath, [path.join(benchDir, 'proxy-server.mjs')], {
    env: { ...process.env, PROXY_PORT: String(port), PROXY_STORAGE: 's3', PROXY_BUCKET: bucket },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise((resolve, reject) => {
    child.stdout.once('data', resolve);
    child.once('exit', (code) => reject(new Error(`proxy stand-in exited (${code})`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid,
    stop: async () => {
      child.kill('SIGTERM');
      await sleep(200);
    },
  };
}

export async function runServerCost({ reps = Number(process.env.BENCH_REPS ?? 3) } = {}) {
  const small = Number(process.env.BENCH_COST_SMALL ?? 1) * MB;
  const large = Number(process.env.BENCH_COST_LARGE ?? 1000) * MB;
  // The small flow is cheap and its CPU figure is only a few clock ticks: repeat it more.
  const smallReps = Math.max(reps, Number(process.env.BENCH_COST_SMALL_REPS ?? 5));
  const largeReps = Math.min(reps, Number(process.env.BENCH_COST_LARGE_REPS ?? 3));
  const gateway = ensureGateway();
  const smallFile = await makePdfFile(small);
  const largeFile = await makePdfFile(large);
  const { browser } = await launchBrowser();
  const variants = [];
  try {
    const targets = [
      { name: 's3', label: 'S3 direct (Ceph RGW) + Postgres', port: 3311, kind: 'app', storage: 's3' },
      { name: 'disk', label: 'disk service + PGlite', port: 3312, kind: 'app', storage: 'disk' },
      { name: 'proxy', label: 'proxy stand-in → S3 (bench/proxy-server.mjs)', port: 3330, kind: 'proxy' },
    ].filter((target) => !process.env.BENCH_COST_ONLY || process.env.BENCH_COST_ONLY.split(',').includes(target.name));
    for (const target of targets) {
      let server;
      let bucket = null;
      if (target.kind === 'app') {
        server = await startApp({ storage: target.storage, port: target.port, label: `cost-${target.name}` });
        bucket = server.env.S3_BUCKET ?? null;
      } else {
        bucket = await createBucket('proxy');
        server = await startProxy(target.port, bucket);
      }
      const flow = (file) => (target.kind === 'app' ? appFlow(browser, server, file) : proxyFlow(browser, server, file));
      const cleanStorage = async () => {
        if (bucket) await emptyBucket(bucket);
      };
      try {
        await flow(smallFile); // warm-up: compiles and connects everything once
        await cleanStorage();
        const runs = { small: [], large: [] };
        // Small flows first: a process keeps the memory a large flow made it take, so a small flow
        // measured after a large one would inherit its RSS.
        for (let rep = 0; rep < smallReps; rep += 1) {
          runs.small.push(await flow(smallFile));
          await cleanStorage();
          log(`server-cost ${target.name} small ${rep + 1}: cpu ${runs.small[rep].cpu.toFixed(2)} s, peak rss ${(runs.small[rep].peakRss / MB).toFixed(0)} MB`);
        }
        for (let rep = 0; rep < largeReps; rep += 1) {
          runs.large.push(await flow(largeFile));
          await cleanStorage();
          log(
            `server-cost ${target.name} large ${rep + 1}: cpu ${runs.large[rep].cpu.toFixed(2)} s, peak rss ${(runs.large[rep].peakRss / MB).toFixed(0)} MB, ${runs.large[rep].wall.toFixed(1)} s`,
          );
        }
        // The idle cost per second of this process, measured over as long as a large flow lasts:
        // a 1 GB flow keeps the page busy (hashing, uploading) ~25 s while the app serves nothing.
        const idleWindow = Math.max(5, Math.round(median(runs.large.map((run) => run.wall))));
        const idle = await measureProcess(server.pid, () => sleep(idleWindow * 1000));
        const idleRate = idle.cpu / idle.wall;
        log(`server-cost ${target.name} idle ${idleWindow} s: cpu ${idle.cpu.toFixed(2)} s`);
        const summary = (list) => ({
          cpuSeconds: median(list.map((run) => run.cpu)),
          peakRssMB: median(list.map((run) => run.peakRss)) / MB,
          rssBeforeMB: median(list.map((run) => run.rssBefore)) / MB,
          wallSeconds: median(list.map((run) => run.wall)),
          raw: list.map((run) => ({ cpu: run.cpu, peakRssMB: run.peakRss / MB, wall: run.wall })),
        });
        const smallSummary = summary(runs.small);
        const largeSummary = summary(runs.large);
        variants.push({
          name: target.name,
          label: target.label,
          small: smallSummary,
          large: largeSummary,
          cpuRatio: largeSummary.cpuSeconds / smallSummary.cpuSeconds,
          rssRatio: largeSummary.peakRssMB / smallSummary.peakRssMB,
          // CPU ratios of tiny numbers are noisy: also give the difference in CPU seconds.
          cpuExtraSeconds: largeSummary.cpuSeconds - smallSummary.cpuSeconds,
          idleSeconds: idle.wall,
          idleCpuSeconds: idle.cpu,
          // CPU beyond what the idle process would have used over the same wall time.
          cpuRatioAboveIdle:
            Math.max(0, largeSummary.cpuSeconds - idleRate * largeSummary.wallSeconds) /
            Math.max(0.01, smallSummary.cpuSeconds - idleRate * smallSummary.wallSeconds),
        });
      } finally {
        await server.stop();
        if (target.kind === 'proxy') await emptyBucket(bucket, { remove: true }).catch(() => undefined);
      }
    }
  } finally {
    await browser.close();
  }
  return { gateway, smallMB: small / MB, largeMB: large / MB, smallReps, largeReps, variants };
}
