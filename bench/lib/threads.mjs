// CPU of a process split by thread (/proc/<pid>/task/<tid>/stat and comm), to tell a request's
// cost from the resume analysis that runs after it in Node worker threads (`WorkerThread`).
//
// The process's total (/proc/<pid>/stat) counts threads that have exited, while a thread's own
// figure disappears with it. The threads that serve requests never exit (the main thread, libuv's
// pool, V8's platform threads), and worker threads do: so the request side is the sum of the
// non-worker threads alive at the end, read exactly at both ends, and the workers' share is the
// process's total minus that, exited workers included. Both come from the same clock ticks.
import { readdirSync, readFileSync } from 'node:fs';
import { clockTicks } from './common.mjs';

function ticksOf(statText) {
  const fields = statText.slice(statText.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/** tid → { name, ticks } of the threads alive now. */
export function threadSnapshot(pid) {
  const threads = new Map();
  let tids = [];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return threads;
  }
  for (const tid of tids) {
    try {
      const ticks = ticksOf(readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8'));
      const name = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
      threads.set(tid, { name, ticks });
    } catch {
      // exited meanwhile
    }
  }
  return threads;
}

/** Node's worker threads: the resume analysis (PDF.js) runs in one after each attach. */
export const isWorkerThread = (name) => name === 'WorkerThread';

/**
 * Splits the process's CPU seconds between two snapshots: `requestSeconds` (main thread, libuv
 * pool, V8 platform threads), `workerSeconds` (worker threads, exited ones included), and the
 * request side by thread group.
 */
export function splitCpu(before, after, totalSeconds) {
  const groups = {};
  let requestTicks = 0;
  for (const [tid, { name, ticks }] of after) {
    if (isWorkerThread(name)) continue;
    const delta = ticks - (before.get(tid)?.ticks ?? 0);
    requestTicks += delta;
    const group = name.startsWith('libuv-worker') ? 'libuv pool' : /^(V8Worker|DelayedTaskSche)/.test(name) ? 'V8 platform' : 'main and other';
    groups[group] = (groups[group] ?? 0) + delta / clockTicks;
  }
  const requestSeconds = requestTicks / clockTicks;
  return { requestSeconds, workerSeconds: Math.max(0, totalSeconds - requestSeconds), groups };
}
