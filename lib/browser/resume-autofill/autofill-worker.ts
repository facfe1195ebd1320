/// <reference lib="webworker" />
// Reads a resume on the applicant's device: PDF.js parses it here, off the page's main thread, and
// only the three fields go back. Nothing is fetched or sent.
import * as pdfjs from 'pdfjs-dist';
import * as pdfjsWorker from 'pdfjs-dist/build/pdf.worker.mjs';
import { readResumeFields } from './read-resume';
import { noResumeFields, type ResumeFields } from './resume-fields';

export type AutofillRequest = { file: Blob };
export type AutofillMessage = { type: 'done'; fields: ResumeFields };

// PDF.js runs its parser in this same worker (its "fake worker") instead of starting another one.
(globalThis as unknown as { pdfjsWorker: typeof pdfjsWorker }).pdfjsWorker = pdfjsWorker;

const scope = self as unknown as DedicatedWorkerGlobalScope;

scope.onmessage = async (event: MessageEvent<AutofillRequest>) => {
  const fields = await event.data.file.arrayBuffer().then(
    (buffer) => readResumeFields(pdfjs, new Uint8Array(buffer)),
    () => noResumeFields,
  );
  const message: AutofillMessage = { type: 'done', fields };
  scope.postMessage(message);
};
