import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';

// The harness, not the app: a signal to scripts/e2e-server.mjs (what Playwright and a developer's
// Ctrl-C send) must take its `next start` down with it, not leave a server holding the port.

/** Every process below `pid`, from /proc. */
function descendantsOf(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
    } catch {
      // gone
    }
  }
  const found: number[] = [];
  const visit = (parent: number) => {
    for (const child of children.get(parent) ?? []) {
      found.push(child);
      visit(child);
    }
  };
  visit(pid);
  return found;
}

/** Running (a zombie has exited: it only waits for its parent to collect it). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

for (const [signal, port] of [['SIGTERM', 3151], ['SIGINT', 3152]] as const) {
  test(`${signal} to scripts/e2e-server.mjs stops its next-server too`, async () => {
    test.setTimeout(180_000);
    const url = `http://127.0.0.1:${port}/`;
    const parent = spawn(process.execPath, ['scripts/e2e-server.mjs'], {
      env: { ...process.env, E2E_PORT: String(port) },
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => parent.once('exit', resolve));
    let server: number[] = [];
    try {
      await expect.poll(() => fetch(url).then((response) => response.status, () => 0), { timeout: 150_000, intervals: [500] }).toBe(200);
      server = descendantsOf(parent.pid!);
      expect(server.length).toBeGreaterThan(0);

      parent.kill(signal);
      await exited;
      await expect.poll(() => server.filter(alive), { timeout: 15_000 }).toEqual([]);
      await expect(fetch(url)).rejects.toThrow();
    } finally {
      // Whatever happened, leave nothing running on the port.
      const leftovers = new Set([...server, ...descendantsOf(parent.pid!), parent.pid!]);
      for (const pid of leftovers) if (alive(pid)) process.kill(pid, 'SIGKILL');
      rmSync(path.resolve('.data', `e2e-${port}`), { recursive: true, force: true });
    }
  });
}
