// Types of app.mjs (plain ESM, so that node scripts and the benchmarks import it too).
import type { ChildProcess } from 'node:child_process';
import type { S3ServerSettings } from './s3.mjs';

export declare const repoDir: string;
export declare function buildIsStale(): boolean;
export declare function buildIfStale(): Promise<void>;
export declare function runScript(script: string, options?: { env?: Record<string, string>; cwd?: string; quiet?: boolean }): void;

export interface AppOptions {
  storage: 'disk' | 'disk-postgres' | 's3';
  /** The app's public origin (APP_URL). */
  url: string;
  /** A folder of this server's own (emptied): PGlite and disk storage live in it. */
  dataDir: string;
  /** The Postgres database to make anew (disk-postgres, s3). */
  database?: string;
  /** The S3 server and the bucket to create (s3). */
  s3?: { settings: S3ServerSettings; bucket: string };
  /** Set last; an empty string removes the variable. */
  settings?: Record<string, string>;
  adminUrl?: string;
  /** Where the migrations are (the served build's tree). */
  sourceDir?: string;
  /** Only the scripts' errors are shown. */
  quiet?: boolean;
}

export interface PreparedApp {
  env: Record<string, string>;
  cleanup(): Promise<void>;
}

export declare function prepareApp(options: AppOptions): Promise<PreparedApp>;

export interface StartNextOptions {
  appDir?: string;
  port: number;
  env?: Record<string, string>;
  nodeArgs?: string[];
  /** `pipe` keeps the output (for errors and output()); `inherit` passes it through. */
  stdio?: 'pipe' | 'inherit';
  /** This process lives for the server: SIGINT/SIGTERM stop it first; its exit ends this process. */
  foreground?: boolean;
  ready?: (url: string) => Promise<Response>;
  pollMs?: number;
  timeoutMs?: number;
}

export interface NextServer {
  url: string;
  child: ChildProcess;
  /** From spawn to the first 200 of `ready`. */
  readyMs: number;
  /** The server's exit code (128 + the signal's number when a signal ended it). */
  exited: Promise<number>;
  /** SIGTERM, SIGKILL after 5 s; resolves when the server has exited. */
  stop(): Promise<void>;
  output(): string;
}

export declare function startNext(options: StartNextOptions): Promise<NextServer>;
