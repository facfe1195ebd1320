// Analyzes one PDF inside a worker thread: page count, document info, text and a first-page
// preview. It is plain JavaScript outside the Next.js bundle on purpose: the server starts it by
// path (lib/analysis/run-in-worker.ts), with a heap limit, and terminates it on timeout or when the
// process's memory grows too much. It never touches the database, storage or secrets.
import { createRequire } from 'node:module';
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';

const require = createRequire(import.meta.url);
const pdfjsFolder = path.dirname(require.resolve('pdfjs-dist/package.json'));
const asset = (folder) => `${path.join(pdfjsFolder, folder)}${path.sep}`;

/** A failure the server records as the reason analysis ended, as opposed to a bug. */
class AnalysisFailure extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

// Control characters (but tab and newline) and U+0000, which Postgres text refuses.
const unwanted = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
// Invisible format characters (Unicode category Cf: bidirectional overrides and isolates such as
// U+202E, zero-width spaces and joiners, soft hyphens), removed as they are from names
// (lib/plain-text.ts): they would make an excerpt in /admin read differently from the file.
const formatCharacters = /\p{Cf}/gu;

function clean(value, maxLength) {
  return value.toWellFormed().replace(formatCharacters, '').replace(unwanted, ' ').slice(0, maxLength);
}

/** The first `maxBytes` of `text` in UTF-8, cut on a character boundary. */
function capUtf8(text, maxBytes) {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return text;
  return new TextDecoder().decode(bytes.subarray(0, maxBytes)).replace(/\uFFFD$/, '');
}

async function readInfo(pdfjs, document) {
  const { info } = await document.getMetadata().catch(() => ({ info: {} }));
  const field = (name) => (typeof info?.[name] === 'string' && info[name].trim() ? clean(info[name].trim(), 500) : undefined);
  const created = typeof info?.CreationDate === 'string' ? pdfjs.PDFDateString.toDateObject(info.CreationDate) : null;
  const metadata = {
    title: field('Title'),
    author: field('Author'),
    producer: field('Producer'),
    creator: field('Creator'),
    created_at: created && !Number.isNaN(created.getTime()) ? created.toISOString() : undefined,
  };
  return Object.fromEntries(Object.entries(metadata).filter(([, value]) => value !== undefined));
}

async function extractText(document, maxTextBytes) {
  const parts = [];
  let length = 0;
  for (let number = 1; number <= document.numPages && length < maxTextBytes; number += 1) {
    const page = await document.getPage(number);
    const content = await page.getTextContent();
    let pageText = '';
    for (const item of content.items) {
      if (!('str' in item)) continue;
      pageText += item.str;
      if (item.hasEOL) pageText += '\n';
    }
    page.cleanup();
    pageText = clean(pageText, maxTextBytes).replace(/[ \t]+/g, ' ').replace(/\n{3,}/g, '\n\n').trim();
    if (pageText) {
      parts.push(pageText);
      length += Buffer.byteLength(pageText) + 2;
    }
  }
  return capUtf8(parts.join('\n\n'), maxTextBytes);
}

async function renderPreview(document, { previewWidth, maxPreviewHeight }) {
  const page = await document.getPage(1);
  const natural = page.getViewport({ scale: 1 });
  // Fit the width, but never let an absurdly tall page make an absurdly tall canvas.
  const scale = Math.min(previewWidth / natural.width, maxPreviewHeight / natural.height);
  const viewport = page.getViewport({ scale });
  const width = Math.max(1, Math.round(viewport.width));
  const height = Math.max(1, Math.round(viewport.height));
  const { canvas, context } = document.canvasFactory.create(width, height);
  // Transparent areas would show the page behind as black in some viewers.
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, width, height);
  await page.render({ canvas, canvasContext: context, viewport }).promise;
  const bytes = await canvas.encode('webp', 80);
  page.cleanup();
  // A copy in a plain ArrayBuffer: the canvas's Buffer is backed by native memory, which Node 24
  // refuses to transfer to the parent thread ("Cannot transfer object of unsupported type").
  return { bytes: Uint8Array.from(bytes), width, height, contentType: 'image/webp' };
}

async function analyze({ bytes, limits }) {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const task = pdfjs.getDocument({
    data: bytes,
    standardFontDataUrl: asset('standard_fonts'),
    cMapUrl: asset('cmaps'),
    wasmUrl: asset('wasm'),
    iccUrl: asset('iccs'),
    // Fonts in a PDF are untrusted: never compile them to functions.
    isEvalSupported: false,
    maxImageSize: limits.maxImagePixels,
    enableXfa: false,
    verbosity: 0,
  });
  let document;
  try {
    document = await task.promise;
  } catch (error) {
    if (error?.name === 'PasswordException') throw new AnalysisFailure('encrypted', 'The PDF is protected by a password.');
    throw new AnalysisFailure('invalid_pdf', `The file could not be read as a PDF (${error?.message ?? error}).`);
  }
  try {
    const pageCount = document.numPages;
    if (pageCount > limits.maxPages) {
      const failure = new AnalysisFailure('too_many_pages', `The PDF has ${pageCount} pages; analysis stops at ${limits.maxPages}.`);
      failure.pageCount = pageCount;
      throw failure;
    }
    const metadata = await readInfo(pdfjs, document);
    const text = await extractText(document, limits.maxTextBytes);
    let preview = null;
    let previewError = null;
    try {
      preview = await renderPreview(document, limits);
    } catch (error) {
      // The text is still worth keeping when only the drawing fails.
      previewError = String(error?.message ?? error).slice(0, 300);
    }
    return { pageCount, metadata, text, preview, previewError };
  } catch (error) {
    if (error instanceof AnalysisFailure) throw error;
    throw new AnalysisFailure('invalid_pdf', `The PDF could not be read (${error?.message ?? error}).`);
  } finally {
    await document.destroy();
  }
}

try {
  const result = await analyze(workerData);
  parentPort.postMessage({ ok: true, result }, result.preview ? [result.preview.bytes.buffer] : []);
} catch (error) {
  const failure =
    error instanceof AnalysisFailure
      ? { code: error.code, message: error.message, pageCount: error.pageCount }
      : { code: 'analysis_error', message: String(error?.message ?? error).slice(0, 500) };
  parentPort.postMessage({ ok: false, failure });
}
