// 4. End to end: from choosing the file (the upload starts then; Submit is clicked at once) to the confirmation for a 100 MB PDF in Chromium (S3 on the
// Ceph gateway + Postgres), against native MD5 of the same file + a raw `curl -T` PUT of the same
// bytes to the same storage (a URL presigned by the same app), measured alternately in one run.
import { execFileSync } from 'node:child_process';
import { emptyBucket, ensureGateway, presign, startApp } from './lib/app.mjs';
import { chooseFile, fillFields, launchBrowser, pageClockScript } from './lib/browser.mjs';
import { MB, log, makePdfFile, median, nativeMd5 } from './lib/common.mjs';

const confirmationClock = () => {
  const observer = new MutationObserver(() => {
    if (window.__bench && window.__bench.confirmed == null && /Thanks, /.test(document.body?.innerText ?? '')) {
      window.__bench.confirmed = performance.now();
    }
  });
  document.addEventListener('DOMContentLoaded', () => observer.observe(document.body, { subtree: true, childList: true, characterData: true }));
};

async function browserFlow(browser, appUrl, file, sequence) {
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    await page.addInitScript(pageClockScript);
    await page.addInitScript(confirmationClock);
    await page.goto(appUrl);
    const person = { first: 'Bench', last: `Endtoend${sequence}`, email: `bench.e2e.${Date.now()}.${sequence}@example.com` };
    await fillFields(page, person);
    await page.waitForTimeout(300);
    await chooseFile(page, file);
    await page.getByRole('button', { name: 'Submit application' }).click();
    await page.getByRole('heading', { name: `Thanks, ${person.first} ${person.last}!` }).waitFor({ timeout: 300_000 });
    await page.waitForFunction(() => window.__bench.confirmed != null, null, { timeout: 10_000 });
    const marks = await page.evaluate(() => window.__bench);
    const presignRequest = marks.requests.find((entry) => entry.url.includes('/api/direct-uploads'));
    const usersRequest = marks.requests.find((entry) => entry.url.includes('/api/users'));
    const put = marks.xhr.find((entry) => entry.method === 'PUT');
    return {
      total: (marks.confirmed - marks.chosen) / 1000,
      phases: {
        checkAndHash: (presignRequest.start - marks.chosen) / 1000,
        presign: (presignRequest.end - presignRequest.start) / 1000,
        presignToPut: (put.start - presignRequest.end) / 1000,
        // The app's onload handler starts POST /api/users before our loadend listener runs.
        put: (Math.min(put.end, usersRequest.start) - put.start) / 1000,
        users: (usersRequest.end - usersRequest.start) / 1000,
        render: (marks.confirmed - usersRequest.end) / 1000,
      },
    };
  } finally {
    await context.close();
  }
}

function curlPut(url, headers, file) {
  const args = ['-sS', '-o', '/dev/null', '-w', '%{http_code} %{time_total}', '-T', file];
  for (const [name, value] of Object.entries(headers)) args.push('-H', `${name}: ${value}`);
  args.push(url);
  const [status, seconds] = execFileSync('curl', args, { encoding: 'utf8' }).trim().split(' ');
  if (status !== '200') throw new Error(`curl PUT answered ${status}`);
  return Number(seconds);
}

export async function runE2e({ reps = Number(process.env.BENCH_REPS ?? 3) } = {}) {
  const size = Number(process.env.BENCH_E2E_MB ?? 100) * MB;
  const gateway = ensureGateway();
  const file = await makePdfFile(size);
  await nativeMd5(file);
  const app = await startApp({ storage: 's3', port: 3340, label: 'e2e' });
  const bucket = app.env.S3_BUCKET;
  const { browser } = await launchBrowser();
  const runs = [];
  try {
    await browserFlow(browser, app.url, await makePdfFile(1 * MB), 0); // warm-up
    await emptyBucket(bucket);
    for (let rep = 0; rep < reps; rep += 1) {
      const native = await nativeMd5(file);
      const { direct_upload } = await presign(app.url, { byteSize: size, checksum: native.checksum });
      const curl = curlPut(direct_upload.url, direct_upload.headers, file);
      await emptyBucket(bucket);
      const flow = await browserFlow(browser, app.url, file, rep + 1);
      await emptyBucket(bucket);
      const reference = native.seconds + curl;
      runs.push({ native: native.seconds, curl, reference, browser: flow.total, ratio: flow.total / reference, phases: flow.phases });
      log(`e2e rep ${rep + 1}: browser ${flow.total.toFixed(2)} s vs native md5 ${native.seconds.toFixed(2)} s + curl ${curl.toFixed(2)} s`);
    }
  } finally {
    await browser.close();
    await app.stop();
  }
  const phaseNames = Object.keys(runs[0]?.phases ?? {});
  return {
    gateway,
    sizeMB: size / MB,
    reps,
    browserSeconds: median(runs.map((run) => run.browser)),
    nativeSeconds: median(runs.map((run) => run.native)),
    curlSeconds: median(runs.map((run) => run.curl)),
    referenceSeconds: median(runs.map((run) => run.reference)),
    ratio: median(runs.map((run) => run.ratio)),
    phases: Object.fromEntries(phaseNames.map((name) => [name, median(runs.map((run) => run.phases[name]))])),
    runs,
  };
}
