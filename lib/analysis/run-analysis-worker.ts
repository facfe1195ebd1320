import 'server-only';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { DocumentMetadata } from '@/db/schema';
import { isAnalysisFailureCode, type AnalysisFailureCode } from './failures';

export interface AnalysisLimits {
  /** Wall-clock ceiling of one analysis, worker start included. */
  timeoutMs: number;
  /** The worker's V8 heap. */
  heapMb: number;
  /**
   * How much the process's resident memory may grow during one analysis. Decoded streams and
   * images live in ArrayBuffers, outside the V8 heap that `resourceLimits` caps, so a compression
   * bomb is only stopped by watching the process itself.
   */
  memoryMb: number;
  maxPages: number;
  maxTextBytes: number;
  /** What the XML parts of a Word document may unpack to, in all: a zip bomb stops here. */
  maxUnpackedBytes: number;
  previewWidth: number;
  maxPreviewHeight: number;
  /** Largest image (width × height) PDF.js decodes; bigger ones are skipped. */
  maxImagePixels: number;
}

export const defaultLimits: AnalysisLimits = {
  timeoutMs: 20_000,
  heapMb: 256,
  memoryMb: 512,
  maxPages: 500,
  maxTextBytes: 200 * 1024,
  maxUnpackedBytes: 20 * 1024 * 1024,
  previewWidth: 300,
  maxPreviewHeight: 600,
  maxImagePixels: 25_000_000,
};

/** The analyzers the worker thread holds (analysis-worker.mjs). */
export type WorkerAnalyzer = 'pdf' | 'docx';

export interface AnalysisFailure {
  code: AnalysisFailureCode;
  message: string;
  pageCount?: number;
}

export interface Preview {
  bytes: Uint8Array;
  width: number;
  height: number;
  contentType: string;
}

export interface DocumentAnalysis {
  /** Null when the type does not say (a Word document saved without its page count). */
  pageCount: number | null;
  metadata: DocumentMetadata;
  text: string;
  preview: Preview | null;
  previewError: string | null;
}

export type WorkerOutcome = ({ ok: true; result: DocumentAnalysis } | { ok: false; failure: AnalysisFailure }) & {
  stats: { durationMs: number; peakRssGrowthBytes: number };
};

// A plain script outside the bundle, started by URL. next build bundles `new Worker(path)` with
// its imports (and ignores turbopackIgnore there), which would break PDF.js's own run-time loading;
// a URL from pathToFileURL is left alone. Deployments ship the script and its packages with
// outputFileTracingIncludes (next.config.ts).
const workerScript = pathToFileURL(path.join(process.cwd(), 'lib', 'analysis', 'analysis-worker.mjs'));
const MiB = 1024 * 1024;
const memoryCheckIntervalMs = 20;

// On globalThis: route bundles may each load this module, but the process has one memory to watch.
const shared = globalThis as typeof globalThis & { __resumeDropAnalysisQueue?: Promise<unknown> };

/**
 * Analyzes a file's bytes with one of the worker's analyzers, in a worker thread under the given
 * ceilings (the same for every type). One analysis at a time per process: the memory watch
 * measures the whole process, and two PDF renderers at once would take both cores of a small
 * server from the requests.
 */
export function runAnalysisWorker(kind: WorkerAnalyzer, bytes: Uint8Array, limits: AnalysisLimits = defaultLimits): Promise<WorkerOutcome> {
  const run = (shared.__resumeDropAnalysisQueue ?? Promise.resolve()).then(() => runNow(kind, bytes, limits));
  shared.__resumeDropAnalysisQueue = run.catch(() => undefined);
  return run;
}

function runNow(kind: WorkerAnalyzer, bytes: Uint8Array, limits: AnalysisLimits): Promise<WorkerOutcome> {
  return new Promise((resolve) => {
    const started = performance.now();
    const baseline = process.memoryUsage.rss();
    let peak = baseline;
    let settled = false;
    const worker = new Worker(workerScript, {
      workerData: { kind, bytes, limits },
      resourceLimits: { maxOldGenerationSizeMb: limits.heapMb, maxYoungGenerationSizeMb: Math.min(64, limits.heapMb / 4) },
      // The worker has no business with the server's configuration and secrets.
      env: {},
    });
    const finish = (outcome: { ok: true; result: DocumentAnalysis } | { ok: false; failure: AnalysisFailure }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearInterval(watch);
      const stats = { durationMs: performance.now() - started, peakRssGrowthBytes: Math.max(0, peak - baseline) };
      // Resolve only once the worker is gone, so that its memory is free for the next one.
      void worker.terminate().finally(() => resolve({ ...outcome, stats }));
    };
    const fail = (code: AnalysisFailureCode, message: string) => finish({ ok: false, failure: { code, message } });

    const timer = setTimeout(
      () => fail('timeout', `Analysis took longer than ${limits.timeoutMs / 1000} s and was stopped.`),
      limits.timeoutMs,
    );
    const watch = setInterval(() => {
      const rss = process.memoryUsage.rss();
      peak = Math.max(peak, rss);
      if (rss - baseline > limits.memoryMb * MiB) {
        fail('memory_limit', `Analysis needed more than ${limits.memoryMb} MB of memory and was stopped.`);
      }
    }, memoryCheckIntervalMs);

    worker.on('message', (message: { ok: true; result: DocumentAnalysis } | { ok: false; failure: AnalysisFailure }) => {
      // The worker is plain JavaScript: a code it names must be one of the table's.
      if (!message.ok && !isAnalysisFailureCode(message.failure.code)) {
        fail('analysis_error', `The analyzer failed with an unknown code (${String(message.failure.code).slice(0, 50)}).`);
      } else {
        finish(message);
      }
    });
    worker.on('error', (error: Error & { code?: string }) => {
      if (error.code === 'ERR_WORKER_OUT_OF_MEMORY') {
        fail('memory_limit', `Analysis needed more than ${limits.heapMb} MB of heap and was stopped.`);
      } else {
        fail('analysis_error', `The analyzer failed: ${error.message}`.slice(0, 500));
      }
    });
    worker.on('exit', (code) => fail('analysis_error', `The analyzer stopped unexpectedly (exit code ${code}).`));
  });
}
