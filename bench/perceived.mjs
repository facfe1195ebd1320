// 5. Perceived wait: the time from the Submit click to the confirmation heading, on an emulated
// connection (Chrome DevTools Protocol: 40 ms latency, 4 Mbit/s up, 20 Mbit/s down), S3 on the
// Ceph gateway + Postgres. The current form (upload on select) against the form as it was before
// (BENCH_BASELINE, the last commit before it: upload after Submit), alternately in one run, for
// two scripts of a person and three resume sizes. Then "resume first" (issue 24): the time from
// choosing a resume to its fields filled in on the same network, the page's initial JavaScript
// against the form before that issue (BENCH_BEFORE_RESUME_FIRST), and what loads on demand.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { makeResumePdf } from '../tests/fixtures/resumes/resume-pdf.mjs';
import { ensureGateway, startApp } from './lib/app.mjs';
import { baselineApp } from './lib/baseline.mjs';
import { launchBrowser, pageClockScript } from './lib/browser.mjs';
import { MB, log, makePdfFile, median, repoDir, sleep, workDir } from './lib/common.mjs';
import { measureInitialJs, recordScripts, totalBytes } from './lib/page-weight.mjs';

const baselineCommit = process.env.BENCH_BASELINE ?? '3c84979';
// The last commit before the resume-first form: its page shipped zod's full build.
const beforeResumeFirstCommit = process.env.BENCH_BEFORE_RESUME_FIRST ?? 'a9392d7';
const resumeFirstSizes = (process.env.BENCH_RESUME_FIRST_SIZES ?? '1,5').split(',').map(Number);
const resumeFirstReps = Number(process.env.BENCH_RESUME_FIRST_REPS ?? 3);
// PDF.js's chunk is recognised by what it holds (Turbopack names chunks by hash).
const pdfJsMarker = 'WorkerMessageHandler';
const network = { offline: false, latency: 40, uploadThroughput: (4_000_000 / 8), downloadThroughput: (20_000_000 / 8) };
const typingMs = 15_000;

const confirmationClock = () => {
  const observer = new MutationObserver(() => {
    if (window.__bench && window.__bench.confirmed == null && /Thanks, /.test(document.body?.innerText ?? '')) {
      window.__bench.confirmed = performance.now();
    }
  });
  document.addEventListener('DOMContentLoaded', () => observer.observe(document.body, { subtree: true, childList: true, characterData: true }));
};

/**
 * One person, one application. `script`: 'types-after-choosing' (choose the file, type the three
 * fields over 15 s, click Submit) or 'submits-at-once' (fill the fields, choose the file, click).
 */
async function flow(browser, appUrl, file, script, sequence) {
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    await page.addInitScript(pageClockScript);
    await page.addInitScript(confirmationClock);
    await page.goto(appUrl);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', network);
    const person = { first: 'Bench', last: `Perceived${sequence}`, email: `bench.perceived.${Date.now()}.${sequence}@example.com` };
    const fileInput = page.getByLabel(/^Resume \(PDF/);
    if (script === 'types-after-choosing') {
      await fileInput.setInputFiles(file);
      const typed = [person.first, person.last, person.email];
      const delay = Math.floor(typingMs / typed.join('').length);
      const started = Date.now();
      await page.getByLabel('First name').pressSequentially(person.first, { delay });
      await page.getByLabel('Last name').pressSequentially(person.last, { delay });
      await page.getByLabel('Email').pressSequentially(person.email, { delay });
      await sleep(Math.max(0, typingMs - (Date.now() - started)));
    } else {
      await page.getByLabel('First name').fill(person.first);
      await page.getByLabel('Last name').fill(person.last);
      await page.getByLabel('Email').fill(person.email);
      await fileInput.setInputFiles(file);
    }
    await page.locator('button[type=submit]').click();
    await page.getByRole('heading', { name: `Thanks, ${person.first} ${person.last}!` }).waitFor({ timeout: 300_000 });
    await page.waitForFunction(() => window.__bench.confirmed != null, null, { timeout: 10_000 });
    const marks = await page.evaluate(() => window.__bench);
    const put = marks.xhr.find((entry) => entry.method === 'PUT');
    const afterSubmit = [...marks.requests, ...marks.xhr]
      .filter((entry) => entry.start >= marks.submit)
      .sort((a, b) => a.start - b.start)
      .map((entry) => {
        const { pathname } = new URL(entry.url, appUrl);
        return `${entry.method} ${pathname.startsWith('/api/') ? pathname : 'storage'}`;
      });
    return {
      seconds: (marks.confirmed - marks.submit) / 1000,
      uploadDoneBeforeSubmit: put?.end != null && put.end <= marks.submit,
      requestsAfterSubmit: afterSubmit,
    };
  } finally {
    await context.close();
  }
}

// Marks when the three fields carry their "From your resume" note (in-page clock).
const filledClock = () => {
  const observer = new MutationObserver(() => {
    if (window.__bench && window.__bench.filled == null && document.querySelectorAll('.field-note').length >= 3) {
      window.__bench.filled = performance.now();
    }
  });
  document.addEventListener('DOMContentLoaded', () => observer.observe(document.body, { subtree: true, childList: true }));
};

/** A one-page resume padded to `bytes` (a photo's worth of bytes nothing reads), cached like makePdfFile. */
async function makeResumeFile(bytes) {
  const folder = path.join(workDir, 'files');
  mkdirSync(folder, { recursive: true });
  const file = path.join(folder, `resume-first-${bytes}.pdf`);
  if (!existsSync(file)) {
    const pdf = await makeResumePdf({ pages: [{ name: 'Grace Hopper', contact: ['Arlington, VA  ·  grace.hopper@navy-bench.dev'] }] }, { padTo: bytes });
    writeFileSync(file, pdf);
  }
  return file;
}

/** Chooses the resume on the emulated network and times chosen → fields filled; lists what loaded for it. */
async function resumeFirstFlow(browser, appUrl, file) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.addInitScript(pageClockScript);
    await page.addInitScript(filledClock);
    await page.goto(appUrl, { waitUntil: 'networkidle' });
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', network);
    const scripts = recordScripts(context);
    const pdfJsPaths = new Set();
    page.on('response', async (response) => {
      if (!/\.(?:m?js|ts)$/.test(new URL(response.url()).pathname)) return;
      const body = await response.body().catch(() => Buffer.alloc(0));
      if (body.includes(pdfJsMarker)) pdfJsPaths.add(new URL(response.url()).pathname);
    });
    await page.getByLabel(/^Resume \(PDF/).setInputFiles(file);
    await page.waitForFunction(() => window.__bench.filled != null, null, { timeout: 120_000, polling: 100 });
    const marks = await page.evaluate(() => window.__bench);
    const values = await Promise.all(['First name', 'Last name', 'Email'].map((label) => page.getByLabel(label).inputValue()));
    const onDemand = (await scripts.taken()).map((entry) => ({ ...entry, pdfJs: pdfJsPaths.has(entry.path) }));
    return { seconds: (marks.filled - marks.chosen) / 1000, values, onDemand };
  } finally {
    await context.close();
  }
}

export async function runResumeFirst(browser, apps) {
  const initialJs = [];
  for (const { label, commit, url } of apps) {
    const measured = await measureInitialJs(browser, url);
    initialJs.push({ label, commit, bytes: measured.bytes, scripts: measured.scripts });
    log(`initial JavaScript of / (${label}): ${measured.bytes} bytes in ${measured.scripts.length} scripts`);
  }
  const resumeFirst = [];
  for (const size of resumeFirstSizes) {
    const file = await makeResumeFile(size * MB);
    const runs = [];
    for (let rep = 0; rep < resumeFirstReps; rep += 1) {
      const run = await resumeFirstFlow(browser, apps[0].url, file);
      runs.push(run);
      log(`resume first ${size} MB: chosen → filled ${run.seconds.toFixed(3)} s (${run.values.join(' / ')}); on demand ${totalBytes(run.onDemand)} bytes`);
    }
    const onDemand = runs[0].onDemand;
    resumeFirst.push({
      sizeMB: size,
      seconds: median(runs.map((run) => run.seconds)),
      runs: runs.map((run) => run.seconds),
      values: runs[0].values,
      onDemandBytes: totalBytes(onDemand),
      pdfJsBytes: totalBytes(onDemand.filter((entry) => entry.pdfJs)),
      onDemand,
    });
  }
  return { initialJs, resumeFirst };
}

export async function runPerceived({ reps = Number(process.env.BENCH_PERCEIVED_REPS ?? 1) } = {}) {
  const sizes = (process.env.BENCH_PERCEIVED_SIZES ?? '1,5,10').split(',').map(Number);
  const gateway = ensureGateway();
  const oldDir = await baselineApp(baselineCommit);
  const files = Object.fromEntries(await Promise.all(sizes.map(async (size) => [size, await makePdfFile(size * MB)])));
  // Ports apart from the end-to-end tests' 3100/3200 and the other benchmarks' 3301–3340.
  const current = await startApp({ storage: 's3', port: 3341, label: 'perceived-new' });
  // 3c84979 predates the harness's scripts/migrate-db.ts: its database gets this tree's migrations,
  // which only add tables and nullable columns to its schema.
  const oldSource = existsSync(path.join(oldDir, 'scripts', 'migrate-db.ts')) ? oldDir : repoDir;
  const baseline = await startApp({ storage: 's3', port: 3342, label: 'perceived-old', appDir: oldDir, sourceDir: oldSource });
  const beforeDir = await baselineApp(beforeResumeFirstCommit);
  const before = await startApp({ storage: 's3', port: 3343, label: 'perceived-before', appDir: beforeDir, sourceDir: beforeDir });
  const { browser } = await launchBrowser();
  const results = [];
  let resumeFirst;
  try {
    resumeFirst = await runResumeFirst(browser, [
      { label: 'this form', commit: null, url: current.url },
      { label: 'before resume first', commit: beforeResumeFirstCommit, url: before.url },
      { label: 'before upload on select', commit: baselineCommit, url: baseline.url },
    ]);
    for (const app of [current, baseline]) await flow(browser, app.url, files[sizes[0]], 'submits-at-once', 0); // warm-up
    let sequence = 1;
    for (const script of ['types-after-choosing', 'submits-at-once']) {
      for (const size of sizes) {
        const runs = { new: [], old: [] };
        for (let rep = 0; rep < reps; rep += 1) {
          // Alternate which goes first, so that drift on the shared machine hits both alike.
          const order = rep % 2 === 0 ? ['new', 'old'] : ['old', 'new'];
          for (const which of order) {
            const app = which === 'new' ? current : baseline;
            const run = await flow(browser, app.url, files[size], script, sequence++);
            runs[which].push(run);
            log(`perceived ${script} ${size} MB ${which}: ${run.seconds.toFixed(3)} s (upload done before Submit: ${run.uploadDoneBeforeSubmit}; after Submit: ${run.requestsAfterSubmit.join(', ')})`);
          }
        }
        const newSeconds = median(runs.new.map((run) => run.seconds));
        const oldSeconds = median(runs.old.map((run) => run.seconds));
        results.push({
          script,
          sizeMB: size,
          newSeconds,
          oldSeconds,
          ratio: newSeconds / oldSeconds,
          uploadDoneBeforeSubmit: runs.new.every((run) => run.uploadDoneBeforeSubmit),
          requestsAfterSubmit: runs.new[0]?.requestsAfterSubmit ?? [],
          runs,
        });
      }
    }
  } finally {
    await browser.close();
    await current.stop();
    await baseline.stop();
    await before.stop();
  }
  return { gateway, baselineCommit, network, typingSeconds: typingMs / 1000, reps, results, ...resumeFirst };
}
