// Real processes for the job-queue fault tests (tests/jobs-faults): a fresh Postgres database and
// disk storage made by the harness, `next start` servers, `npm run jobs:work` workers (or a worker
// script of the tests' own), and what a client and an operator see of them: HTTP answers, the
// workers' JSON log lines, pg-boss's job table, the blob rows and the stored files.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { constants } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { prepareApp, repoDir, startNext, type NextServer } from '@/scripts/harness/app.mjs';

const tsxCli = path.join(repoDir, 'node_modules', 'tsx', 'dist', 'cli.mjs');
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface FaultApp {
  /** The environment every process of this app shares: database, storage root, secrets. */
  env: Record<string, string>;
  storageRoot: string;
  db: pg.Pool;
  cleanup(): Promise<void>;
}

/**
 * A fresh database `resume_drop_jobsfault_<label>` (migrated) and storage folder, for `next start`
 * servers and workers alike. `settings` override the app's configuration (rate limits, jobs).
 */
export async function prepareFaultApp(label: string, port: number, settings: Record<string, string> = {}): Promise<FaultApp> {
  const dataDir = path.join(repoDir, '.data', `jobsfault-${label}`);
  const prepared = await prepareApp({
    storage: 'disk-postgres',
    url: `http://127.0.0.1:${port}`,
    dataDir,
    database: `resume_drop_jobsfault_${label}`,
    quiet: true,
    settings: {
      BLOB_TOKEN_SECRET: 'jobs-fault-tests-blob-token-secret-0123456789-abcdef',
      ADMIN_PASSWORD: 'jobs-fault-tests-admin-password',
      ...settings,
    },
  });
  const db = new pg.Pool({ connectionString: prepared.env.DATABASE_URL, max: 2 });
  return {
    env: prepared.env,
    storageRoot: prepared.env.STORAGE_ROOT!,
    db,
    async cleanup() {
      await db.end();
      await prepared.cleanup();
    },
  };
}

export interface WorkerProcess {
  child: ChildProcess;
  pid: number;
  /** stdout and stderr so far. */
  output(): string;
  /** The JSON lines of stdout whose `event` is `event`. */
  events(event: string): Record<string, unknown>[];
  /** The exit code, 128 + the signal's number when a signal ended it. */
  exited: Promise<number>;
  /**
   * SIGKILLs the worker's process group: tsx and the node process it runs the script in (killing
   * tsx alone leaves the worker running), as the OOM killer or a dyno's end would.
   */
  kill(): void;
  /** SIGTERM (a graceful stop), SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<number>;
}

const running = new Set<ChildProcess>();
const groups = new Set<number>();
// A test that fails half-way leaves no process behind it.
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
  for (const group of groups) killGroup(group);
});

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/**
 * Starts a worker process as `npm run jobs:work` runs it (tsx with the react-server condition, no
 * npm in between, so the pid is the worker's own), or `script` instead of scripts/work-jobs.ts.
 * NODE_ENV is production, as on Heroku, which also turns the JSON logs on.
 */
export function startWorker(app: FaultApp, { script = 'scripts/work-jobs.ts', env = {} }: { script?: string; env?: Record<string, string> } = {}): WorkerProcess {
  const child = spawn(process.execPath, [tsxCli, '--conditions=react-server', script], {
    cwd: repoDir,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', ...app.env, NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so that kill() reaches the worker behind tsx.
    detached: true,
  });
  groups.add(child.pid!);
  let stdout = '';
  let both = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk;
    both += chunk;
  });
  child.stderr!.on('data', (chunk: Buffer) => (both += chunk));
  const exited = new Promise<number>((resolve) => {
    child.once('exit', (code, signal) => {
      resolve(code ?? 128 + (signal ? constants.signals[signal] : 0));
    });
  });
  return {
    child,
    pid: child.pid!,
    output: () => both,
    events: (event) => jsonLines(stdout).filter((line) => line.event === event),
    exited,
    kill: () => killGroup(child.pid!),
    async stop(graceMs = 15_000) {
      if (child.exitCode === null && child.signalCode === null) {
        // To tsx, which passes it on to the worker (a signal to the group would reach it twice).
        child.kill('SIGTERM');
        const timer = setTimeout(() => killGroup(child.pid!), graceMs);
        await exited;
        clearTimeout(timer);
      }
      // Nothing of the group outlives it (the worker, should tsx have gone first).
      killGroup(child.pid!);
      groups.delete(child.pid!);
      return exited;
    },
  };
}

function jsonLines(text: string): Record<string, unknown>[] {
  const lines: Record<string, unknown>[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      lines.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // a line that only looks like JSON
    }
  }
  return lines;
}

/** `next start` on `port` for this app; `env` overrides (APP_URL of a second server, JOBS_IN_PROCESS). */
export async function startWeb(app: FaultApp, port: number, env: Record<string, string> = {}): Promise<NextServer> {
  const server = await startNext({ port, env: { ...app.env, APP_URL: `http://127.0.0.1:${port}`, ...env }, ready: (url) => fetch(`${url}/api/health`) });
  running.add(server.child);
  void server.exited.then(() => running.delete(server.child));
  return server;
}

/** The process that serves: `next start` forks a `next-server` child when it runs one. */
export function servingPid(server: NextServer): number {
  const launcher = server.child.pid!;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (parent === launcher && /next-server|node/.test(readFileSync(`/proc/${entry}/cmdline`, 'utf8'))) return Number(entry);
    } catch {
      // gone
    }
  }
  return launcher;
}

/** Resident memory of a process, in bytes. */
export function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? NaN) * 1024;
}

export interface Applied {
  status: number;
  body: any;
  blobId: string | null;
  /** When POST /api/users answered. */
  attachedAt: number;
}

/**
 * An applicant's whole flow over HTTP, as the browser does it: presign, PUT the bytes to the
 * returned URL with its headers, POST /api/users. `forwardedFor` plays a proxy that saw that client.
 */
export async function applyOverHttp(
  baseUrl: string,
  db: pg.Pool,
  pdf: Buffer,
  email: string,
  { forwardedFor }: { forwardedFor?: string } = {},
): Promise<Applied> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json', ...(forwardedFor ? { 'X-Forwarded-For': forwardedFor } : {}) };
  const checksum = createHash('md5').update(pdf).digest('base64');
  const presigned = await fetch(`${baseUrl}/api/direct-uploads`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ file: { filename: 'resume.pdf', byte_size: pdf.length, checksum, content_type: 'application/pdf', metadata: {} } }),
  });
  const upload = (await presigned.json()) as any;
  if (presigned.status !== 200) throw new Error(`presign answered ${presigned.status}: ${JSON.stringify(upload)}`);
  const put = await fetch(upload.direct_upload.url, { method: 'PUT', headers: upload.direct_upload.headers, body: new Uint8Array(pdf) });
  await put.arrayBuffer();
  if (put.status !== 200) throw new Error(`PUT answered ${put.status}`);
  const created = await fetch(`${baseUrl}/api/users`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ email, first_name: 'Fault', last_name: 'Tester', pdf: upload.blob_signed_id }),
  });
  const attachedAt = performance.now();
  const body = (await created.json()) as any;
  return { status: created.status, body, blobId: created.status === 200 ? await blobOfUser(db, body.id) : null, attachedAt };
}

// The blob id is not in the API's answer: read it where the app keeps it.
async function blobOfUser(db: pg.Pool, userId: string): Promise<string | null> {
  const { rows } = await db.query<{ blob_id: string }>(`select blob_id from attachments where record_id = $1`, [userId]);
  return rows[0]?.blob_id ?? null;
}

export interface AnalysisJob {
  id: string;
  state: string;
  retry_count: number;
  priority: number;
  output: unknown;
}

/** pg-boss's jobs for `blobId` on `queue` (the analysis by default), oldest first. */
export async function jobsOf(db: pg.Pool, blobId: string, queue = 'analyze-resume'): Promise<AnalysisJob[]> {
  const { rows } = await db.query<AnalysisJob>(
    `select id, state, retry_count, priority, output from pgboss.job where name = $1 and (singleton_key = $2 or data->>'blobId' = $2) order by created_on`,
    [queue, blobId],
  );
  return rows;
}

export interface BlobAnalysis {
  analyzed_at: Date | null;
  page_count: number | null;
  analysis_error: string | null;
  analysis_error_message: string | null;
  text_length: number | null;
  variants: number;
}

export async function analysisOf(db: pg.Pool, blobId: string): Promise<BlobAnalysis> {
  const { rows } = await db.query<BlobAnalysis>(
    `select analyzed_at, page_count, analysis_error, analysis_error_message, length(extracted_text) as text_length,
            (select count(*)::int from blob_variants v where v.blob_id = b.id) as variants
     from blobs b where id = $1`,
    [blobId],
  );
  if (!rows[0]) throw new Error(`no blob ${blobId}`);
  return rows[0];
}

/** Polls `check` every `everyMs` until it returns a value other than undefined, or throws after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number, everyMs = 200): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (performance.now() > deadline) throw new Error(`${what}: not within ${Math.round(timeoutMs / 1000)} s`);
    await sleep(everyMs);
  }
}

/** Every file under the storage root whose path holds `part` (a blob's key, its variants). */
export function storedFiles(root: string, part: string): string[] {
  const found: string[] = [];
  const walk = (folder: string) => {
    let entries;
    try {
      entries = readdirSync(folder, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const file = path.join(folder, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (file.includes(part) && !file.endsWith('.md5')) found.push(path.relative(root, file));
    }
  };
  walk(root);
  return found;
}

export async function keyOf(db: pg.Pool, blobId: string): Promise<string> {
  const { rows } = await db.query<{ key: string }>(`select key from blobs where id = $1`, [blobId]);
  if (!rows[0]) throw new Error(`no blob ${blobId}`);
  return rows[0].key;
}
