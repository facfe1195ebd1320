// 5. Perceived wait: the time from the Submit click to the confirmation heading, on an emulated
// connection (Chrome DevTools Protocol: 40 ms latency, 4 Mbit/s up, 20 Mbit/s down), S3 on the
// Ceph gateway + Postgres. The current form (upload on select) against the form as it was before
// (BENCH_BASELINE, the last commit before it: upload after Submit), alternately in one run, for
// two scripts of a person and three resume sizes.
import { ensureGateway, startApp } from './lib/app.mjs';
import { baselineApp } from './lib/baseline.mjs';
import { launchBrowser, pageClockScript } from './lib/browser.mjs';
import { MB, log, makePdfFile, median, sleep } from './lib/common.mjs';

const baselineCommit = process.env.BENCH_BASELINE ?? '3c84979';
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
    const fileInput = page.getByLabel('Resume (PDF)');
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

export async function runPerceived({ reps = Number(process.env.BENCH_PERCEIVED_REPS ?? 1) } = {}) {
  const sizes = (process.env.BENCH_PERCEIVED_SIZES ?? '1,5,10').split(',').map(Number);
  const gateway = ensureGateway();
  const oldDir = await baselineApp(baselineCommit);
  const files = Object.fromEntries(await Promise.all(sizes.map(async (size) => [size, await makePdfFile(size * MB)])));
  // Ports apart from the end-to-end tests' 3100/3200 and the other benchmarks' 3301–3340.
  const current = await startApp({ storage: 's3', port: 3341, label: 'perceived-new' });
  const baseline = await startApp({ storage: 's3', port: 3342, label: 'perceived-old', appDir: oldDir, sourceDir: oldDir });
  const { browser } = await launchBrowser();
  const results = [];
  try {
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
  }
  return { gateway, baselineCommit, network, typingSeconds: typingMs / 1000, reps, results };
}
