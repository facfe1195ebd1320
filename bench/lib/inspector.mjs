// CPU profiles of a running server's main thread over chosen windows (one measured run each),
// through the V8 inspector: the server is started with `--inspect=127.0.0.1:0` and the benchmark
// drives the DevTools protocol's Profiler domain over the inspector's WebSocket. Unlike
// `--cpu-prof` (one profile from start to exit, written only if the process exits by itself), a
// profile covers exactly the requests measured, without start-up and module loading.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { sleep } from './common.mjs';

export const inspectArgs = ['--inspect=127.0.0.1:0'];

/** Connects to the inspector of a server started with `inspectArgs` (its URL is in its output). */
export async function connectInspector(output) {
  if (typeof WebSocket === 'undefined') throw new Error('--profile needs Node.js 22 or later (its WebSocket client)');
  let url;
  for (let waited = 0; !url; waited += 100) {
    url = /Debugger listening on (ws:\/\/\S+)/.exec(output())?.[1];
    if (!url && waited > 10_000) throw new Error('no inspector URL in the server output');
    if (!url) await sleep(100);
  }
  const socket = new WebSocket(url);
  await new Promise((resolve, reject) => {
    socket.addEventListener('open', resolve, { once: true });
    socket.addEventListener('error', () => reject(new Error(`could not connect to ${url}`)), { once: true });
  });
  let nextId = 0;
  const pending = new Map();
  socket.addEventListener('message', (event) => {
    const message = JSON.parse(event.data);
    const waiter = pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id);
    if (message.error) waiter.reject(new Error(message.error.message));
    else waiter.resolve(message.result);
  });
  const send = (method, params = {}) =>
    new Promise((resolve, reject) => {
      nextId += 1;
      pending.set(nextId, { resolve, reject });
      socket.send(JSON.stringify({ id: nextId, method, params }));
    });
  await send('Profiler.enable');
  await send('Profiler.setSamplingInterval', { interval: 500 });
  return {
    /** Profiles the main thread while `action` runs; writes `<folder>/<name>.cpuprofile`. */
    async profile(folder, name, action) {
      await send('Profiler.start');
      let result;
      try {
        result = await action();
      } finally {
        const { profile } = await send('Profiler.stop');
        mkdirSync(folder, { recursive: true });
        writeFileSync(path.join(folder, `${name}.cpuprofile`), JSON.stringify(profile));
      }
      return result;
    },
    /**
     * A full garbage collection in the server, then its memory (`process.memoryUsage()`): what an
     * idle RSS reading holds that is garbage V8 had not collected yet, and what is retained.
     */
    async memoryAfterGc() {
      await send('HeapProfiler.collectGarbage');
      const { result } = await send('Runtime.evaluate', { expression: 'JSON.stringify(process.memoryUsage())', returnByValue: true });
      return JSON.parse(result.value);
    },
    close: () => socket.close(),
  };
}
