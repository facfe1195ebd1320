import { AbortedError } from '@/lib/browser/direct-upload/aborted-error';
import type { AutofillMessage, AutofillRequest } from './autofill-worker';
import type { ResumeFields } from './resume-fields';

// Written out rather than imported: resume-fields.ts belongs in the worker's chunk, not the page's.
const noResumeFields: ResumeFields = { firstName: null, lastName: null, email: null };

// A resume that takes longer than this to read is left alone: the applicant types instead.
const readingTimeoutMs = 15_000;

/**
 * The fields of `file`, read in a Web Worker that loads PDF.js (its chunk is fetched only now, the
 * first time a file is chosen). Aborting terminates the worker at once; a failure fills nothing.
 */
export function readResumeInWorker(file: Blob, signal: AbortSignal): Promise<ResumeFields> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new AbortedError());
    const worker = new Worker(new URL('./autofill-worker.ts', import.meta.url), { type: 'module' });
    const finish = (fields: ResumeFields | null) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      worker.terminate();
      if (fields) resolve(fields);
      else reject(new AbortedError());
    };
    const onAbort = () => finish(null);
    const timer = setTimeout(() => finish(noResumeFields), readingTimeoutMs);
    signal.addEventListener('abort', onAbort);
    worker.onmessage = (event: MessageEvent<AutofillMessage | { action: string }>) => {
      // PDF.js's parser, loaded into the same worker, first says "ready" to whoever listens: not ours.
      if ('type' in event.data && event.data.type === 'done') finish(event.data.fields);
    };
    worker.onerror = () => finish(noResumeFields);
    const request: AutofillRequest = { file };
    worker.postMessage(request);
  });
}
