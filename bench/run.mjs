// npm run bench [-- hash|server|api|e2e|perceived|analyze|pending|jobs|mail|rate-limit ...]
// Runs the benchmarks (all by default, in that order), prints the machine and a table of ratios,
// keeps the latest figures of each benchmark in bench/results.json and rewrites the generated
// table of bench/RESULTS.md (between its results markers) from them.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { removeLeftovers, stopOwnGateway } from './lib/app.mjs';
import { benchDir, fmt, log, machineInfo } from './lib/common.mjs';

const benchmarks = {
  hash: async () => (await import('./hash.mjs')).runHash(),
  server: async () => (await import('./server-cost.mjs')).runServerCost(),
  api: async () => (await import('./api.mjs')).runApi(),
  e2e: async () => (await import('./e2e.mjs')).runE2e(),
  perceived: async () => (await import('./perceived.mjs')).runPerceived(),
  analyze: async () => (await import('./analyze.mjs')).runAnalyze(),
  pending: async () => (await import('./pending.mjs')).runPending(),
  jobs: async () => (await import('./jobs.mjs')).runJobs(),
  mail: async () => (await import('./mail.mjs')).runMail(),
  'rate-limit': async () => (await import('./rate-limit.mjs')).runRateLimit(),
};
const aliases = { 'server-cost': 'server', cost: 'server', 'end-to-end': 'e2e', throughput: 'api', wait: 'perceived', analysis: 'analyze', search: 'analyze' };

const requested = process.argv.slice(2).filter((arg) => !arg.startsWith('-')).map((name) => aliases[name] ?? name);
const unknown = requested.filter((name) => !benchmarks[name]);
if (unknown.length > 0 || process.argv.includes('--help')) {
  console.error(`usage: npm run bench [-- ${Object.keys(benchmarks).join('|')} ...]`);
  process.exit(unknown.length > 0 ? 2 : 0);
}
const selected = requested.length > 0 ? requested : Object.keys(benchmarks);
if (process.argv.includes('--profile')) process.env.BENCH_PROFILE = '1';

const resultsFile = path.join(benchDir, 'results.json');
const resultsMd = path.join(benchDir, 'RESULTS.md');
const stored = existsSync(resultsFile) ? JSON.parse(readFileSync(resultsFile, 'utf8')) : {};

const machine = machineInfo();
console.log(
  `machine: ${machine.nproc} CPUs (${machine.cpu}), ${machine.memoryGiB} GiB RAM, Linux ${machine.kernel}, load ${machine.loadAverage}\n` +
    `versions: Node ${machine.node}, ${machine.chromium}, Next ${machine.next}, Playwright ${machine.playwright}, ` +
    `spark-md5 ${machine.sparkMd5}, crypto-js ${machine.cryptoJs}, autocannon ${machine.autocannon}, ${machine.postgres}, ${machine.ceph}`,
);

await removeLeftovers().catch((error) => log(`could not remove leftovers of earlier runs: ${error.message}`));
let failed = false;
for (const name of selected) {
  const started = Date.now();
  log(`running ${name}…`);
  try {
    const benchMachine = { ...machine, date: new Date(started).toISOString(), loadAverage: machineInfo().loadAverage };
    const result = await benchmarks[name]();
    // A profiled run is slower: keep it apart from the figures of the table.
    const key = process.env.BENCH_PROFILE === '1' ? `${name}-profiled` : name;
    stored[key] = { machine: benchMachine, seconds: Math.round((Date.now() - started) / 1000), result };
    writeFileSync(resultsFile, `${JSON.stringify(stored, null, 2)}\n`);
    log(`${name} done in ${Math.round((Date.now() - started) / 1000)} s`);
  } catch (error) {
    failed = true;
    log(`${name} failed: ${error.stack ?? error}`);
  }
}

await stopOwnGateway().catch((error) => log(`could not stop the benchmark's gateway: ${error.message}`));
const table = renderTable(stored, selected);
console.log(`\n${table}`);
updateResultsMd(renderTable(stored, Object.keys(benchmarks)));
process.exit(failed ? 1 : 0);

// ---------- rendering ----------

function verdict(pass) {
  if (pass === null || pass === undefined) return '';
  return pass ? 'met' : '**missed**';
}

function renderTable(all, names) {
  const rows = [];
  const add = (benchmark, figure, value, target = '', pass = null) => rows.push([benchmark, figure, value, target, verdict(pass)]);
  for (const name of names) {
    const entry = all[name];
    if (!entry) continue;
    const { result } = entry;
    const when = entry.machine.date.slice(0, 16).replace('T', ' ');
    if (name === 'hash') {
      for (const size of result.results) {
        const label = `1. hash ${size.sizeMB} MB (${when})`;
        add(label, 'app worker (spark-md5, 8 MiB slices) MB/s', fmt(size.workerMBps, 1));
        add(label, 'native MD5 (Node crypto) MB/s', fmt(size.nativeMBps, 1));
        const wholeFile = size.wholeFileFailures.length > 0 && !Number.isFinite(size.wholeFileMBps)
          ? `failed: ${size.wholeFileFailures[0]}`
          : fmt(size.wholeFileMBps, 1);
        add(label, `whole-file FileReader + crypto-js MB/s (${size.wholeFileReps} run${size.wholeFileReps === 1 ? '' : 's'})`, wholeFile);
        add(label, 'worker / native', `${fmt(size.workerVsNative, 2)}x`, '>= 0.3x', size.workerVsNative >= 0.3);
        const vsWhole = Number.isFinite(size.workerVsWholeFile) ? `${fmt(size.workerVsWholeFile, 1)}x` : 'whole-file failed';
        add(label, 'worker / whole-file crypto-js', vsWhole, '>= 12x', Number.isFinite(size.workerVsWholeFile) ? size.workerVsWholeFile >= 12 : null);
        const heapTarget = size.sizeMB >= 512 ? '< 64 MB' : '';
        add(
          label,
          'peak JS heap, app worker (page + worker isolates) MB',
          `${fmt(size.workerHeapPeakMB, 1)} (page ${fmt(size.workerHeapPeakPageMB, 1)} + worker ${fmt(size.workerHeapPeakWorkerMB, 1)})`,
          heapTarget,
          heapTarget ? size.workerHeapPeakMB < 64 : null,
        );
        add(label, 'peak JS heap, whole-file crypto-js MB', fmt(size.wholeFileHeapPeakMB, 1), size.sizeMB >= 512 ? 'grows with the file' : '');
        if (size.harnessMBps) {
          const harness = Object.entries(size.harnessMBps).map(([chunk, value]) => `${chunk} ${fmt(value, 1)}`).join(', ');
          add(label, 'diagnosis: bare worker loop MB/s (hash by slice size; read only; hash of bytes in memory)', harness);
        }
        add(label, 'renderer RSS growth, app worker / whole-file MB', `${fmt(size.workerRendererGrowthMB, 0)} / ${fmt(size.wholeFileRendererGrowthMB, 0)}`);
      }
    }
    if (name === 'mail') {
      const label = `9. mail (${when})`;
      add(label, `POST /api/users server CPU ms/request, mail off → on (${result.requests} each)`, `${fmt(result.cpuMsPerRequest.off, 2)} → ${fmt(result.cpuMsPerRequest.on, 2)}`);
      add(label, 'CPU ms added by mail', fmt(result.cpuMsAdded, 2), '<= +0.3', result.cpuMsAdded <= 0.3);
      add(label, `Submit → applicant's message in the SMTP server, in-process worker, ms p50 / p99 (${result.deliveries})`, `${fmt(result.deliveryMs.p50, 0)} / ${fmt(result.deliveryMs.p99, 0)}`, 'p99 <= 5000', result.deliveryMs.p99 <= 5000);
    }
    if (name === 'server') {
      for (const variant of result.variants) {
        const label = `2. server cost ${variant.name} (${when})`;
        const target = variant.name === 's3' ? '<= 1.1' : '';
        add(label, `${variant.label}: CPU s, ${result.smallMB} MB → ${result.largeMB} MB`, `${fmt(variant.small.cpuSeconds, 2)} → ${fmt(variant.large.cpuSeconds, 2)}`);
        add(label, 'CPU ratio large / small', `${fmt(variant.cpuRatio, 2)}`, target, target ? variant.cpuRatio <= 1.1 : null);
        if (Number.isFinite(variant.idleCpuSeconds)) {
          add(label, `idle process: CPU s over ${fmt(variant.idleSeconds, 0)} s with no request`, fmt(variant.idleCpuSeconds, 2));
          add(label, 'CPU ratio large / small, above idle', fmt(variant.cpuRatioAboveIdle, 2));
        }
        add(label, `peak RSS MB, ${result.smallMB} MB → ${result.largeMB} MB`, `${fmt(variant.small.peakRssMB, 0)} → ${fmt(variant.large.peakRssMB, 0)}`);
        add(label, 'peak RSS ratio large / small', fmt(variant.rssRatio, 2), target, target ? variant.rssRatio <= 1.1 : null);
        add(label, 'wall time of the flow s', `${fmt(variant.small.wallSeconds, 2)} → ${fmt(variant.large.wallSeconds, 2)}`);
      }
    }
    if (name === 'api' && result.floor) {
      const floorAt = new Map(result.floor.runs.map((run) => [run.connections, run]));
      const floorLabel = `3. api floor: bare Next.js ${result.floor.nextVersion} route handler, JSON in/out (${when})`;
      for (const run of result.floor.runs) {
        add(floorLabel, `c=${run.connections}: requests/s; server CPU ms/request`, `${fmt(run.requestsPerSecond, 0)}; ${fmt(run.cpuMsPerRequest, 2)}`);
      }
      add(floorLabel, 'RSS MB idle after start / peak at c=64 / idle at end', `${fmt(result.floor.idleAfterStartMB, 0)} / ${fmt(result.floor.runs.at(-1)?.peakRssMB, 0)} / ${fmt(result.floor.idleAtEndMB, 0)}`);
      const floorCold = result.coldStarts.find((cold) => cold.name === 'floor' && !cold.error);
      if (floorCold) {
        add(floorLabel, 'cold start: spawn `next start` → first 200 from its route, ms (median; listening after)', `${fmt(floorCold.medianMs, 0)} (${fmt(floorCold.medianListeningMs, 0)})`);
      }
      for (const target of result.targets) {
        if (target.error) {
          add(`3. api ${target.label} (${when})`, 'failed', target.error.split('\n')[0]);
          continue;
        }
        // Where the applicants' resumes were analyzed: queued for a worker elsewhere (the request's own cost,
        // as on Vercel), or in the server under test after each response (its figures include it).
        const analysisNote = target.analysis === 'inline' ? ', resumes analyzed in this server' : target.analysis ? ', analysis queued for another worker' : '';
        for (const [endpoint, runs, limit] of [['POST /api/direct-uploads', target.directUploads, 1.3], ['POST /api/users', target.users, 2]]) {
          const label = `3. api ${target.label} ${endpoint}${endpoint === 'POST /api/users' ? analysisNote : ''} (${when})`;
          for (const run of runs) {
            const floorRun = floorAt.get(run.connections);
            const multiple = floorRun ? run.cpuMsPerRequest / floorRun.cpuMsPerRequest : NaN;
            add(label, `c=${run.connections}: requests/s; p50 / p99 ms; errors`, `${fmt(run.requestsPerSecond, 0)}; ${run.p50} / ${run.p99}; ${run.errors}`, '0 errors', run.errors === 0);
            add(label, `c=${run.connections}: server CPU ms/request (× floor)`, `${fmt(run.cpuMsPerRequest, 2)} (${fmt(multiple, 2)}x)`, `<= ${limit}x floor`, Number.isFinite(multiple) ? multiple <= limit : null);
            if (run.workerCpuMsPerRequest >= 0.05) {
              add(label, `c=${run.connections}: + worker threads (resume analysis after attach), CPU ms/request`, fmt(run.workerCpuMsPerRequest, 2));
            }
          }
        }
        const peak = Math.max(...[...target.directUploads, ...target.users].filter((run) => run.connections === 64).map((run) => run.peakRssMB));
        const grown = target.idleAtEndMB / target.idleAfterWarmupMB;
        // A process still analyzing queued resumes 10 s after the last run is not idle: no verdict then.
        const pauseCpu = target.idleAtEnd?.cpuSeconds;
        const busy = pauseCpu !== undefined && pauseCpu > 0.5;
        add(
          `3. api ${target.label} memory (${when})`,
          `RSS MB idle after start / after warm-up / at end; peak during c=64${pauseCpu === undefined ? '' : '; CPU s used in the 10 s before "at end"'}`,
          `${fmt(target.idleAfterStartMB, 0)} / ${fmt(target.idleAfterWarmupMB, 0)} / ${fmt(target.idleAtEndMB, 0)}; ${fmt(peak, 0)}${pauseCpu === undefined ? '' : `; ${fmt(pauseCpu, 1)}${busy ? ' (not idle)' : ''}`}`,
          'idle at end <= 1.1x after warm-up',
          busy ? null : grown <= 1.1,
        );
      }
      if (result.presignUrl) {
        const presign = result.presignUrl;
        for (const [method, sdk, ours] of [['PUT (upload)', presign.sdkPutUs, presign.oursPutUs], ['GET (download)', presign.sdkGetUs, presign.oursGetUs]]) {
          add(`3. api presigned S3 URL, CPU µs per URL, one process, no network (${when})`, `${method}: SDK getSignedUrl / lib/storage/s3.ts (ratio)`, `${fmt(sdk, 0)} / ${fmt(ours, 0)} (${fmt(sdk / ours, 1)}x)`);
        }
      }
      for (const cold of result.coldStarts) {
        if (cold.name === 'floor') continue;
        if (cold.error) {
          add(`3. api cold start ${cold.label} (${when})`, 'failed', cold.error.split('\n')[0]);
          continue;
        }
        const floorMs = floorCold ? ` (floor ${fmt(floorCold.medianMs, 0)})` : '';
        const listening = Number.isFinite(cold.medianListeningMs) ? `; listening after ${fmt(cold.medianListeningMs, 0)}` : '';
        add(`3. api cold start ${cold.label} (${when})`, `spawn \`next start\` → first 200 from POST /api/direct-uploads, ms (median of runs${listening ? '; median listening after' : ''})${floorMs}`, `${fmt(cold.medianMs, 0)} (${cold.ms.map((ms) => fmt(ms, 0)).join(', ')}${listening})`, '<= 800 ms', cold.medianMs <= 800);
      }
      if (result.vercel) {
        for (const fn of result.vercel.functions) {
          if (fn.runtime === 'edge') continue;
          const packages = fn.largestPackages.map((entry) => `${entry.name} ${fmt(entry.bytes / 1e6, 1)}`).join(', ');
          // Only the jobs function ships PDF.js and the canvas (40 MB of native code and fonts).
          const limitMB = fn.routes.includes('api/jobs') ? 50 : 8;
          add(`3. api Vercel function size (vercel build of ${result.vercel.builtAt.slice(0, 16).replace('T', ' ')})`, `${fn.routes[0]}${fn.routes.length > 1 ? ` (+${fn.routes.length - 1} routes)` : ''} MB traced (largest: ${packages})`, fmt(fn.bytes / 1e6, 2), `<= ${limitMB} MB`, fn.bytes <= limitMB * 1e6);
        }
      }
    }
    if (name === 'e2e') {
      const label = `4. end to end ${result.sizeMB} MB (${when})`;
      add(label, 'submit → confirmation in Chromium s', fmt(result.browserSeconds, 2));
      add(label, 'native MD5 s + curl -T PUT s', `${fmt(result.nativeSeconds, 2)} + ${fmt(result.curlSeconds, 2)} = ${fmt(result.referenceSeconds, 2)}`);
      add(label, 'ratio browser / (native + curl)', `${fmt(result.ratio, 2)}x`, '<= 1.1x', result.ratio <= 1.1);
      const phases = Object.entries(result.phases).map(([phase, seconds]) => `${phase} ${fmt(seconds, 2)}`).join(', ');
      add(label, 'browser phases s (medians)', phases);
    }
    if (name === 'pending') {
      for (const build of result.builds) {
        const label = `7. presign with pending uploads, ${build.label} (${when})`;
        const [none, many] = result.counts.map((count) => build.summary[count]);
        const cell = (figure) => `${fmt(none[figure], 3)} / ${fmt(many[figure], 3)}`;
        add(label, `app CPU ms per presign, 0 / ${result.counts[1]} pending (mean of ${result.rounds})`, cell('appCpuMsPerRequest'), build.name === 'this' ? '<= 1.1x' : '', build.name === 'this' ? many.appCpuMsPerRequest <= 1.1 * none.appCpuMsPerRequest : null);
        add(label, `Postgres CPU ms per presign, 0 / ${result.counts[1]} pending`, cell('postgresCpuMsPerRequest'), build.name === 'this' ? '<= 1.1x' : '', build.name === 'this' ? many.postgresCpuMsPerRequest <= 1.1 * none.postgresCpuMsPerRequest : null);
        add(label, `req/s at ${result.connections} connections, 0 / ${result.counts[1]} pending; p99 ms`, `${fmt(none.requestsPerSecond, 0)} / ${fmt(many.requestsPerSecond, 0)}; ${none.p99} / ${many.p99}`);
        add(label, 'ratios with / without pending uploads: app, Postgres', `${fmt(many.appCpuMsPerRequest / none.appCpuMsPerRequest, 2)}x, ${fmt(many.postgresCpuMsPerRequest / none.postgresCpuMsPerRequest, 2)}x`);
      }
    }
    if (name === 'rate-limit') {
      const label = `10. rate limit as a route option, presign on disk + Postgres (${when})`;
      const { this: now, baseline } = result.summary;
      add(label, `app CPU ms per presign, ${now.label} / ${baseline.label} (mean of ${result.rounds})`, `${fmt(now.appCpuMsPerRequest, 3)} / ${fmt(baseline.appCpuMsPerRequest, 3)}`);
      add(label, 'Postgres CPU ms per presign, this / before', `${fmt(now.postgresCpuMsPerRequest, 3)} / ${fmt(baseline.postgresCpuMsPerRequest, 3)}`);
      add(label, `req/s at ${result.connections} connections, this / before; p99 ms`, `${fmt(now.requestsPerSecond, 0)} / ${fmt(baseline.requestsPerSecond, 0)}; ${now.p99} / ${baseline.p99}`);
      add(label, 'ratios this / before: app CPU, Postgres CPU, req/s', `${fmt(now.appCpuMsPerRequest / baseline.appCpuMsPerRequest, 2)}x, ${fmt(now.postgresCpuMsPerRequest / baseline.postgresCpuMsPerRequest, 2)}x, ${fmt(now.requestsPerSecond / baseline.requestsPerSecond, 2)}x`);
    }
    if (name === 'analyze') {
      for (const file of result.analysis) {
        const label = `6. analysis ${file.name} (${when})`;
        add(label, `${fmt(file.fileMB, 2)} MB, ${file.pages} pages → ${fmt(file.textKB, 0)} KB text, ${fmt(file.previewKB, 1)} KB preview`, '');
        add(label, `wall time ms, worker start included (median of ${result.reps}; max)`, `${fmt(file.medianMs, 0)} (${fmt(file.maxMs, 0)})`, `< ${result.limits.timeoutMs} (ceiling)`, file.maxMs < result.limits.timeoutMs);
        add(label, 'peak RSS growth of the process MB (worker included)', fmt(file.peakRssGrowthMB, 0), `< ${result.limits.memoryMb} (ceiling)`, file.peakRssGrowthMB < result.limits.memoryMb);
      }
      for (const search of result.search) {
        const label = `6. search ${search.kind}, ${fmt(search.applicants, 0)} applicants (${when})`;
        add(label, `admin search query p50 / p99 ms (all kinds, ${result.queryReps} runs each)`, `${fmt(search.p50, 1)} / ${fmt(search.p99, 1)}`);
        for (const query of search.queries) {
          add(label, `${query.label} "${query.term}": ${query.matches} matches, p50 / p99 ms`, `${fmt(query.p50, 1)} / ${fmt(query.p99, 1)}`);
        }
      }
    }
  }
  const perceived = all.perceived;
  if (perceived && names.includes('perceived')) {
    const { result } = perceived;
    const when = perceived.machine.date.slice(0, 16).replace('T', ' ');
    for (const row of result.results) {
      const label = `5. perceived wait, ${row.script}, ${row.sizeMB} MB (${when})`;
      add(label, `Submit → confirmation s, this form / before (${result.baselineCommit})`, `${fmt(row.newSeconds, 3)} / ${fmt(row.oldSeconds, 3)}`);
      if (row.script === 'types-after-choosing') {
        const target = row.uploadDoneBeforeSubmit ? '<= 0.3 s' : 'n/a: the upload outlasts the typing';
        add(label, 'this form: upload done before Submit; requests after Submit', `${row.uploadDoneBeforeSubmit ? 'yes' : 'no'}; ${row.requestsAfterSubmit.join(', ')}`, target, row.uploadDoneBeforeSubmit ? row.newSeconds <= 0.3 : null);
        add(label, 'ratio this form / before', `${fmt(row.ratio, 3)}x`);
      } else {
        add(label, 'ratio this form / before', `${fmt(row.ratio, 3)}x`, '<= 1.05x', row.ratio <= 1.05);
      }
    }
    const kB = (bytes) => fmt(bytes / 1000, 1);
    if (result.initialJs) {
      const [now, ...earlier] = result.initialJs;
      const label = `5. resume first: initial JavaScript of / (${when})`;
      for (const page of earlier) add(label, `KB transferred, ${page.label} (${page.commit}; ${page.scripts.length} scripts)`, kB(page.bytes));
      add(label, `KB transferred, this form (${now.scripts.length} scripts)`, kB(now.bytes), '<= 150 KB', now.bytes <= 150_000);
    }
    for (const row of result.resumeFirst ?? []) {
      const label = `5. resume first, ${row.sizeMB} MB resume (${when})`;
      add(label, `file chosen → name and email filled s, median (runs)`, `${fmt(row.seconds, 3)} (${row.runs.map((seconds) => fmt(seconds, 3)).join(', ')})`);
      add(label, 'fields filled', row.values.join(' / '));
      const pdfJs = row.onDemand.filter((entry) => entry.pdfJs).map((entry) => `${entry.path.split('/').pop()} ${kB(entry.bytes)}`);
      add(label, `KB fetched after the file was chosen (PDF.js: ${pdfJs.join(', ')})`, `${kB(row.onDemandBytes)} (PDF.js ${kB(row.pdfJsBytes)})`);
    }
  }
  const profiled = all['api-profiled']?.result?.profile;
  if (profiled && names.includes('api')) {
    const when = all['api-profiled'].machine.date.slice(0, 16).replace('T', ' ');
    const list = (entries) => entries.slice(0, 8).map((entry) => `${entry.name} ${entry.percent} %`).join('; ');
    // Heap after a full GC (the inspector's): flat from one applicant run to the next means no leak.
    for (const target of all['api-profiled'].result.targets ?? []) {
      if (!target.afterGc || !target.afterWarmupGc) continue;
      const perRun = target.users.filter((run) => run.afterGc).map((run) => fmt(run.afterGc.heapUsedMB, 1));
      add(
        `3. api ${target.label} memory after a full GC (--profile, ${when})`,
        'heap used MB: after warm-up / right after each applicant run / at end; RSS MB after warm-up / at end',
        `${fmt(target.afterWarmupGc.heapUsedMB, 1)} / ${perRun.join(', ')} / ${fmt(target.afterGc.heapUsedMB, 1)}; ${fmt(target.afterWarmupGc.rssMB, 0)} / ${fmt(target.afterGc.rssMB, 0)}`,
      );
    }
    for (const [server, endpoints] of Object.entries(profiled)) {
      for (const [endpoint, summary] of Object.entries(endpoints ?? {})) {
        if (!summary?.byModule) continue;
        const label = `3. api CPU profile of ${server}, ${endpoint} (--profile, ${when})`;
        add(label, 'self time by module (main thread, measured runs)', list(summary.byModule));
        add(label, 'self time by function', list(summary.byFunction));
        if (summary.appTotal?.length) add(label, "total time of the app's own functions", list(summary.appTotal));
      }
    }
  }
  const header = ['benchmark', 'figure', 'value', 'target', 'verdict'];
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

function updateResultsMd(table) {
  const machines = Object.entries(stored)
    .map(([name, entry]) => {
      const m = entry.machine;
      return `- \`${name}\`: ${m.date.slice(0, 19).replace('T', ' ')} UTC, ${entry.seconds} s; ${m.nproc} CPUs (${m.cpu}), ${m.memoryGiB} GiB RAM, load before ${m.loadAverage}; Node ${m.node}, ${m.chromium}, Next ${m.next}, Playwright ${m.playwright}, spark-md5 ${m.sparkMd5}, crypto-js ${m.cryptoJs}, autocannon ${m.autocannon}, ${m.postgres}, ${m.ceph}`;
    })
    .join('\n');
  const generated = `<!-- results:begin (generated by bench/run.mjs from bench/results.json; do not edit by hand) -->\n${machines}\n\n${table}\n<!-- results:end -->`;
  const current = existsSync(resultsMd) ? readFileSync(resultsMd, 'utf8') : '# Benchmark results\n\n<!-- results:begin -->\n<!-- results:end -->\n';
  const updated = current.replace(/<!-- results:begin[\s\S]*?<!-- results:end -->/, generated);
  writeFileSync(resultsMd, updated);
}
