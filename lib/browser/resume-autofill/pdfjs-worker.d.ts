// PDF.js's parser, imported into our own worker (autofill-worker.ts); the package types only its API.
declare module 'pdfjs-dist/build/pdf.worker.mjs' {
  export const WorkerMessageHandler: unknown;
}
