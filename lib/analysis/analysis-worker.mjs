// Analyzes one file inside a worker thread with the analyzer its type names (`kind`): PDF
// (pdf-analyzer.mjs) or Word (docx-analyzer.mjs). It is plain JavaScript outside the Next.js bundle
// on purpose: the server starts it by path (lib/analysis/run-analysis-worker.ts), with a heap
// limit, and terminates it on timeout or when the process's memory grows too much. It never
// touches the database, storage or secrets.
import { parentPort, workerData } from 'node:worker_threads';
import { AnalysisFailure } from './worker-text.mjs';

// Only the chosen analyzer's libraries are loaded: a Word document never loads PDF.js.
const analyzers = {
  pdf: () => import('./pdf-analyzer.mjs'),
  docx: () => import('./docx-analyzer.mjs'),
};

try {
  const load = analyzers[workerData.kind];
  if (!load) throw new Error(`No analyzer in the worker for ${workerData.kind}.`);
  const { analyze } = await load();
  const result = await analyze(workerData);
  parentPort.postMessage({ ok: true, result }, result.preview ? [result.preview.bytes.buffer] : []);
} catch (error) {
  const failure =
    error instanceof AnalysisFailure
      ? { code: error.code, message: error.message, pageCount: error.pageCount }
      : { code: 'analysis_error', message: String(error?.message ?? error).slice(0, 500) };
  parentPort.postMessage({ ok: false, failure });
}
