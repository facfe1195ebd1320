// Headless Chromium as the tests launch it (Debian's /usr/bin/chromium when present), plus what the
// benchmarks need around the app's form: in-page timestamps, renderer processes, heap sampling.
import { existsSync } from 'node:fs';
import { chromium } from 'playwright';
import { commandLine, descendantsOf, memory, resetPeak } from './common.mjs';

const systemChromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((file) => existsSync(file));

export async function launchBrowser() {
  const marker = `--rd-bench-marker=${process.pid}-${Date.now()}`;
  const browser = await chromium.launch({
    headless: true,
    ...(systemChromium ? { executablePath: systemChromium } : {}),
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', marker],
  });
  const browserPid = findPid(marker);
  return { browser, browserPid };
}

function findPid(marker) {
  for (const pid of descendantsOf(process.pid)) if (commandLine(pid).includes(marker) && !/--type=/.test(commandLine(pid))) return pid;
  return null;
}

export function rendererPids(browserPid) {
  if (!browserPid) return [];
  return descendantsOf(browserPid).filter((pid) => commandLine(pid).includes('--type=renderer'));
}

/** Resets VmHWM of every renderer and returns a function giving the largest growth of one since. */
export function watchRenderers(browserPid) {
  const before = new Map();
  for (const pid of rendererPids(browserPid)) {
    try {
      resetPeak(pid);
      before.set(pid, memory(pid).rss);
    } catch {
      // gone
    }
  }
  return () => {
    let growth = 0;
    for (const [pid, rss] of before) {
      try {
        growth = Math.max(growth, memory(pid).hwm - rss);
      } catch {
        // gone
      }
    }
    return growth;
  };
}

/**
 * Timestamps (performance.now) of the form's submit, of the last file chosen (the form starts
 * uploading then) and of each request the page makes.
 */
export const pageClockScript = () => {
  const marks = { submit: null, chosen: null, requests: [], xhr: [] };
  window.__bench = marks;
  document.addEventListener('submit', () => (marks.submit ??= performance.now()), true);
  document.addEventListener('change', (event) => {
    if (event.target instanceof HTMLInputElement && event.target.type === 'file') marks.chosen = performance.now();
  }, true);
  const originalFetch = window.fetch;
  window.fetch = function benchFetch(input, init) {
    const url = typeof input === 'string' ? input : input.url;
    const entry = { url, method: init?.method ?? 'GET', start: performance.now(), end: null };
    marks.requests.push(entry);
    const result = originalFetch.call(this, input, init);
    result.then(
      () => (entry.end = performance.now()),
      () => (entry.end = performance.now()),
    );
    return result;
  };
  const open = XMLHttpRequest.prototype.open;
  const send = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.open = function benchOpen(method, url, ...rest) {
    this.__bench = { method, url: String(url), start: null, end: null };
    return open.call(this, method, url, ...rest);
  };
  XMLHttpRequest.prototype.send = function benchSend(body) {
    const entry = this.__bench;
    if (entry) {
      entry.start = performance.now();
      marks.xhr.push(entry);
      this.addEventListener('loadend', () => (entry.end = performance.now()));
    }
    return send.call(this, body);
  };
};

/** Types the three fields; the file is chosen apart (`chooseFile`): choosing it starts the upload. */
export async function fillFields(page, { first, last, email }) {
  await page.getByLabel('First name').fill(first);
  await page.getByLabel('Last name').fill(last);
  await page.getByLabel('Email').fill(email);
}

export async function chooseFile(page, file) {
  await page.getByLabel(/^Resume \(PDF/).setInputFiles(file);
}

/**
 * Samples the JS heap of the page's main thread and of its dedicated workers (their own V8
 * isolates, reached through the DevTools protocol's target attachment) every `interval` ms.
 */
export async function heapSampler(page, interval = 50) {
  const session = await page.context().newCDPSession(page);
  const workers = new Map();
  let nextId = 1;
  const pending = new Map();
  session.on('Target.attachedToTarget', ({ sessionId, targetInfo }) => {
    if (targetInfo.type === 'worker') workers.set(sessionId, 0);
  });
  session.on('Target.detachedFromTarget', ({ sessionId }) => workers.delete(sessionId));
  session.on('Target.receivedMessageFromTarget', ({ sessionId, message }) => {
    const parsed = JSON.parse(message);
    const resolve = pending.get(`${sessionId}:${parsed.id}`);
    if (resolve) {
      pending.delete(`${sessionId}:${parsed.id}`);
      resolve(parsed.result);
    }
  });
  let workerHeapSupported = true;
  try {
    await session.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false });
  } catch {
    workerHeapSupported = false;
  }
  const workerHeap = (sessionId) =>
    new Promise((resolve) => {
      const id = nextId++;
      pending.set(`${sessionId}:${id}`, resolve);
      session
        .send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method: 'Runtime.getHeapUsage' }) })
        .catch(() => resolve(null));
      setTimeout(() => {
        if (pending.delete(`${sessionId}:${id}`)) resolve(null);
      }, 1000);
    });
  let peakPage = 0;
  let peakWorkers = 0;
  let peakTotal = 0;
  let running = true;
  let samples = 0;
  let workerSamples = 0;
  const sample = async () => {
    const [main, ...inWorkers] = await Promise.all([
      // A page whose main thread is busy (or crashed) may not answer: never wait long for it.
      Promise.race([session.send('Runtime.getHeapUsage').catch(() => null), new Promise((resolve) => setTimeout(() => resolve(null), 1000))]),
      ...[...workers.keys()].map((id) => workerHeap(id)),
    ]);
    const pageUsed = main?.usedSize ?? 0;
    const workerUsed = inWorkers.reduce((sum, usage) => sum + (usage?.usedSize ?? 0), 0);
    if (inWorkers.some(Boolean)) workerSamples += 1;
    samples += 1;
    peakPage = Math.max(peakPage, pageUsed);
    peakWorkers = Math.max(peakWorkers, workerUsed);
    peakTotal = Math.max(peakTotal, pageUsed + workerUsed);
  };
  const loop = (async () => {
    while (running) {
      await sample();
      await new Promise((resolve) => setTimeout(resolve, interval));
    }
  })();
  return {
    async stop() {
      running = false;
      const settle = (promise) => Promise.race([promise, new Promise((resolve) => setTimeout(resolve, 3000))]);
      await settle(loop);
      await settle(sample());
      await settle(session.detach().catch(() => undefined));
      return { peakPage, peakWorkers, peakTotal, samples, workerSamples, workerHeapSupported };
    },
  };
}
