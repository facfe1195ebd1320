// Analyzes one PDF inside the analysis worker thread (analysis-worker.mjs): page count, document
// info, text and a first-page preview, with PDF.js and @napi-rs/canvas.
import { createRequire } from 'node:module';
import path from 'node:path';
import { AnalysisFailure, capUtf8, clean, presentFields } from './worker-text.mjs';

const require = createRequire(import.meta.url);
const pdfjsFolder = path.dirname(require.resolve('pdfjs-dist/package.json'));
const asset = (folder) => `${path.join(pdfjsFolder, folder)}${path.sep}`;

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
  return presentFields(metadata);
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

export async function analyze({ bytes, limits }) {
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
