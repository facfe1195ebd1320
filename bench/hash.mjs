// 1. Browser hashing: the app's own checksum worker (spark-md5, 8 MiB slices, Web Worker), timed
// through the real form from choosing the file to the presign request, against native MD5 of the same bytes
// and against the seed tutorial's approach (FileReader of the whole file + crypto-js WordArray).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startApp } from './lib/app.mjs';
import { chooseFile, fillFields, heapSampler, launchBrowser, pageClockScript, watchRenderers } from './lib/browser.mjs';
import { MB, log, makePdfFile, median, nativeMd5, repoDir } from './lib/common.mjs';

const cryptoJsFile = path.join(repoDir, 'node_modules', 'crypto-js', 'crypto-js.js');
const sparkMd5Source = readFileSync(path.join(repoDir, 'node_modules', 'spark-md5', 'spark-md5.js'), 'utf8');

/**
 * Diagnosis only: the same spark-md5 loop as lib/browser/direct-upload/checksum-worker.ts in a bare worker
 * (no form, no React, no module loading), with several slice sizes, to see where the time goes.
 */
async function hashWithHarness(browser, appUrl, file, chunkSizes) {
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    await page.addInitScript(() => {
      document.addEventListener('change', (event) => (window.__benchFile = event.target.files?.[0] ?? window.__benchFile), true);
    });
    await page.goto(appUrl);
    await page.getByLabel(/^Resume \(PDF/).setInputFiles(file);
    await page.waitForTimeout(200);
    return await page.evaluate(
      async ({ source, sizes }) => {
        const loop = `
          self.onmessage = async (event) => {
            const { file, chunkSize, mode } = event.data;
            let source = file;
            if (mode === 'memory') {
              // The same bytes, already in memory: spark-md5 alone, no file reading.
              source = new Blob([await file.arrayBuffer()]);
              source = { size: file.size, bytes: await source.arrayBuffer() };
            }
            const started = performance.now();
            const spark = new SparkMD5.ArrayBuffer();
            const read = (start, end) =>
              mode === 'memory' ? Promise.resolve(source.bytes.slice(start, end)) : file.slice(start, end).arrayBuffer();
            let next = file.size > 0 ? read(0, chunkSize) : null;
            for (let offset = 0; next; offset += chunkSize) {
              const chunk = await next;
              const nextOffset = offset + chunkSize;
              next = nextOffset < file.size ? read(nextOffset, nextOffset + chunkSize) : null;
              if (mode !== 'read') spark.append(chunk);
            }
            const checksum = mode === 'read' ? null : btoa(spark.end(true));
            self.postMessage({ checksum, seconds: (performance.now() - started) / 1000 });
          };`;
        const url = URL.createObjectURL(new Blob([source, loop], { type: 'text/javascript' }));
        const results = {};
        const cases = [
          ...sizes.map((chunkSize) => ({ name: `${chunkSize / 1048576} MiB`, chunkSize, mode: 'hash' })),
          { name: 'read only, 4 MiB', chunkSize: 4 * 1048576, mode: 'read' },
          { name: 'spark-md5 on bytes in memory, 4 MiB', chunkSize: 4 * 1048576, mode: 'memory' },
        ];
        for (const { name, chunkSize, mode } of cases) {
          const worker = new Worker(url);
          const answer = await new Promise((resolve) => {
            worker.onmessage = (event) => resolve(event.data);
            worker.postMessage({ file: window.__benchFile, chunkSize, mode });
          });
          worker.terminate();
          results[name] = answer;
        }
        return results;
      },
      { source: sparkMd5Source, sizes: chunkSizes },
    );
  } finally {
    await context.close();
  }
}

async function hashWithAppWorker(browser, browserPid, appUrl, file) {
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    await page.addInitScript(pageClockScript);
    let presignBody = null;
    // Stop the flow at the presign request: its body carries the checksum the worker computed.
    await page.route('**/api/direct-uploads', async (route) => {
      presignBody = route.request().postDataJSON();
      await route.fulfill({ status: 503, json: { error: { code: 'benchmark', message: 'The benchmark stops here.' } } });
    });
    await page.goto(appUrl);
    await fillFields(page, { first: 'Bench', last: 'Hash', email: 'bench.hash@example.com' });
    await page.waitForTimeout(200);
    const sampler = await heapSampler(page);
    const rendererGrowth = watchRenderers(browserPid);
    // The form hashes the file as soon as it is chosen.
    await chooseFile(page, file);
    await page.waitForFunction(() => window.__bench.requests.some((entry) => entry.url.includes('/api/direct-uploads')), null, {
      timeout: 300_000,
      polling: 20,
    });
    const heap = await sampler.stop();
    const marks = await page.evaluate(() => window.__bench);
    const request = marks.requests.find((entry) => entry.url.includes('/api/direct-uploads'));
    for (let index = 0; index < 50 && !presignBody; index += 1) await page.waitForTimeout(20);
    return {
      seconds: (request.start - marks.chosen) / 1000,
      checksum: presignBody?.file?.checksum,
      heap,
      rendererGrowth: rendererGrowth(),
    };
  } finally {
    await context.close();
  }
}

async function hashWholeFileCryptoJs(browser, browserPid, appUrl, file) {
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    // The form keeps the chosen File in React state and clears the input: keep our own reference.
    await page.addInitScript(() => {
      document.addEventListener('change', (event) => (window.__benchFile = event.target.files?.[0] ?? window.__benchFile), true);
    });
    await page.goto(appUrl);
    await page.addScriptTag({ path: cryptoJsFile });
    await page.getByLabel(/^Resume \(PDF/).setInputFiles(file);
    await page.waitForTimeout(200);
    const sampler = await heapSampler(page);
    const rendererGrowth = watchRenderers(browserPid);
    let result;
    try {
      // The tutorial's client: read the whole file, wrap it in a WordArray, hash it in one call.
      const limit = Number(process.env.BENCH_CRYPTOJS_TIMEOUT ?? 180) * 1000;
      let timer;
      const timeout = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`did not finish within ${limit / 1000} s`)), limit);
      });
      // 512 MB this way needs gigabytes of JS heap: the renderer may run out of memory and crash.
      const crashed = new Promise((_, reject) => page.once('crash', () => reject(new Error('the tab crashed (renderer out of memory)'))));
      result = await Promise.race([timeout, crashed, page.evaluate(async () => {
        const chosen = window.__benchFile;
        const started = performance.now();
        const buffer = await new Promise((resolve, reject) => {
          const reader = new FileReader();
          reader.onload = () => resolve(reader.result);
          reader.onerror = () => reject(reader.error);
          reader.readAsArrayBuffer(chosen);
        });
        const wordArray = window.CryptoJS.lib.WordArray.create(buffer);
        const checksum = window.CryptoJS.MD5(wordArray).toString(window.CryptoJS.enc.Base64);
        return { seconds: (performance.now() - started) / 1000, checksum };
      })]).finally(() => clearTimeout(timer));
    } catch (error) {
      result = { seconds: NaN, checksum: null, failure: String(error.message ?? error).split('\n')[0] };
    }
    const heap = await sampler.stop().catch(() => null);
    return { ...result, heap, rendererGrowth: rendererGrowth() };
  } finally {
    await Promise.race([context.close().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 10_000))]);
  }
}

export async function runHash({ port = 3301, reps = Number(process.env.BENCH_REPS ?? 3) } = {}) {
  const sizes = (process.env.BENCH_HASH_SIZES ?? '64,512').split(',').map((value) => Number(value) * MB);
  // crypto-js on the whole file is slow; repeat it less on the large file to bound the run.
  const wholeFileReps = (size) => (size > 100 * MB ? Math.min(reps, Number(process.env.BENCH_CRYPTOJS_LARGE_REPS ?? 1)) : reps);
  const app = await startApp({ storage: 'disk', port, label: 'hash' });
  const { browser, browserPid } = await launchBrowser();
  const results = [];
  try {
    for (const size of sizes) {
      const file = await makePdfFile(size);
      await nativeMd5(file); // the file is in the page cache for every contender
      const runs = { native: [], worker: [], wholeFile: [], harness: [] };
      const harnessChunks = [1, 4, 16].map((mib) => mib * 1024 * 1024);
      for (let rep = 0; rep < reps; rep += 1) {
        const native = await nativeMd5(file);
        runs.native.push(native);
        const worker = await hashWithAppWorker(browser, browserPid, app.url, file);
        if (worker.checksum !== native.checksum) throw new Error(`worker checksum ${worker.checksum} != native ${native.checksum}`);
        runs.worker.push(worker);
        if (size <= 100 * MB) runs.harness.push(await hashWithHarness(browser, app.url, file, harnessChunks));
        if (rep < wholeFileReps(size)) {
          const whole = await hashWholeFileCryptoJs(browser, browserPid, app.url, file);
          if (whole.checksum && whole.checksum !== native.checksum) throw new Error('crypto-js checksum differs from native');
          runs.wholeFile.push(whole);
        }
        log(
          `hash ${size / MB} MB rep ${rep + 1}: native ${native.seconds.toFixed(3)} s, worker ${worker.seconds.toFixed(3)} s` +
            (runs.wholeFile[rep] ? `, crypto-js ${runs.wholeFile[rep].failure ?? runs.wholeFile[rep].seconds.toFixed(3) + ' s'}` : ''),
        );
      }
      const mbps = (seconds) => size / MB / seconds;
      const nativeS = median(runs.native.map((run) => run.seconds));
      const workerS = median(runs.worker.map((run) => run.seconds));
      const wholeS = median(runs.wholeFile.map((run) => run.seconds));
      const ratioPerRep = runs.worker.map((run, index) => runs.native[index].seconds / run.seconds);
      results.push({
        sizeMB: size / MB,
        reps,
        wholeFileReps: runs.wholeFile.length,
        nativeMBps: mbps(nativeS),
        workerMBps: mbps(workerS),
        wholeFileMBps: mbps(wholeS),
        wholeFileFailures: runs.wholeFile.filter((run) => run.failure).map((run) => run.failure),
        workerVsNative: median(ratioPerRep),
        workerVsWholeFile: wholeS / workerS,
        workerHeapPeakMB: median(runs.worker.map((run) => run.heap.peakTotal)) / MB,
        workerHeapPeakPageMB: median(runs.worker.map((run) => run.heap.peakPage)) / MB,
        workerHeapPeakWorkerMB: median(runs.worker.map((run) => run.heap.peakWorkers)) / MB,
        workerHeapWorkerSamples: median(runs.worker.map((run) => run.heap.workerSamples)),
        wholeFileHeapPeakMB: median(runs.wholeFile.map((run) => run.heap?.peakTotal ?? NaN)) / MB,
        workerRendererGrowthMB: median(runs.worker.map((run) => run.rendererGrowth)) / MB,
        wholeFileRendererGrowthMB: median(runs.wholeFile.map((run) => run.rendererGrowth)) / MB,
        harnessMBps: runs.harness.length
          ? Object.fromEntries(
              Object.keys(runs.harness[0]).map((name) => [name, mbps(median(runs.harness.map((run) => run[name].seconds)))]),
            )
          : null,
        raw: {
          native: runs.native.map((run) => run.seconds),
          worker: runs.worker.map((run) => run.seconds),
          wholeFile: runs.wholeFile.map((run) => run.seconds),
        },
      });
    }
  } finally {
    await browser.close();
    await app.stop();
  }
  return { storage: 'disk + PGlite (presign intercepted; no upload)', results };
}
