import { formatBytes } from '@/lib/format-bytes';

/** The checks the page runs before any request, with the message to show next to the file field. */
export async function checkResumeFile(file: File, maxBytes: number): Promise<string | null> {
  const looksLikePdf = file.type === 'application/pdf' || (file.type === '' && /\.pdf$/i.test(file.name));
  if (!looksLikePdf || !/\.pdf$/i.test(file.name)) return `“${file.name}” is not a PDF. Please choose a .pdf file.`;
  if (file.size === 0) return `“${file.name}” is empty.`;
  if (file.size > maxBytes) {
    return `“${file.name}” is ${formatBytes(file.size)}; the limit is ${formatBytes(maxBytes)}.`;
  }
  const head = new Uint8Array(await file.slice(0, 5).arrayBuffer());
  if (String.fromCharCode(...head) !== '%PDF-') {
    return `“${file.name}” is named .pdf but is not a PDF file. Please export your resume as PDF.`;
  }
  return null;
}
