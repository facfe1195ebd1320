import type { getDocument } from 'pdfjs-dist';
import type { TextItem } from 'pdfjs-dist/types/src/display/api';
import { extractResumeFields, noResumeFields, type ResumeFields, type ResumePage } from './resume-fields';
import { linesFromTextItems } from './text-lines';

/** PDF.js as both builds expose it: the browser's (modern) and Node's (legacy, in the tests). */
export interface PdfJs {
  getDocument: typeof getDocument;
}

// The name is looked for on page 1 and the address is nearly always on it; two more pages cover a
// cover letter or a photo page in front, without reading a whole long document.
const pagesRead = 3;

/** The first pages' text lines, as PDF.js reads them. */
export async function readResumePages(pdfjs: PdfJs, data: Uint8Array): Promise<ResumePage[]> {
  const task = pdfjs.getDocument({
    data,
    // Fonts in a PDF are untrusted: never compile them to functions (the page's CSP forbids it too).
    isEvalSupported: false,
    // Text only: no font files, CMaps, images or scripts are fetched or decoded for it.
    disableFontFace: true,
    useSystemFonts: false,
    enableXfa: false,
    stopAtErrors: false,
    verbosity: 0,
  });
  try {
    const document = await task.promise;
    const pages: ResumePage[] = [];
    for (let number = 1; number <= Math.min(document.numPages, pagesRead); number += 1) {
      const page = await document.getPage(number);
      const [, bottom = 0, , top = 0] = page.view;
      const content = await page.getTextContent();
      const items = content.items.filter((item): item is TextItem => 'str' in item);
      pages.push({ top, bottom, lines: linesFromTextItems(items) });
      page.cleanup();
    }
    return pages;
  } finally {
    await task.destroy();
  }
}

/** The fields a resume's text gives; none when the file cannot be read (damaged, encrypted, scanned). */
export async function readResumeFields(pdfjs: PdfJs, data: Uint8Array): Promise<ResumeFields> {
  try {
    return extractResumeFields(await readResumePages(pdfjs, data));
  } catch {
    return noResumeFields;
  }
}
