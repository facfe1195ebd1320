// Accuracy of the form's autofill on the corpus in tests/fixtures/resumes (generate.mjs writes it):
// the same reading and extraction code the browser's worker runs, on PDF.js's legacy build for Node.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as pdfjs from 'pdfjs-dist/legacy/build/pdf.mjs';
import { describe, expect, it } from 'vitest';
import { readResumeFields, readResumePages, type PdfJs } from '@/lib/browser/resume-autofill/read-resume';
import type { ResumeFields } from '@/lib/browser/resume-autofill/resume-fields';

const corpusDir = path.join(import.meta.dirname, '../fixtures/resumes');
const expected = JSON.parse(readFileSync(path.join(corpusDir, 'expected.json'), 'utf8')) as Record<string, ResumeFields>;
const files = Object.keys(expected);
const legacyPdfJs = pdfjs as unknown as PdfJs;

const read = (file: string) => readResumeFields(legacyPdfJs, new Uint8Array(readFileSync(path.join(corpusDir, file))));

describe('resume autofill on the corpus', () => {
  it('has at least 20 resumes, a scanned one among them', () => {
    expect(files.length).toBeGreaterThanOrEqual(20);
    expect(files).toContain('scanned.pdf');
  });

  it('finds the email in at least 95 % and the full name in at least 85 % of the resumes', async () => {
    const results = await Promise.all(files.map(async (file) => ({ file, want: expected[file]!, got: await read(file) })));
    const emails = results.filter(({ want, got }) => got.email === want.email);
    const names = results.filter(({ want, got }) => got.firstName === want.firstName && got.lastName === want.lastName);
    const misses = results
      .filter(({ want, got }) => JSON.stringify(want) !== JSON.stringify(got))
      .map(({ file, want, got }) => `${file}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
    console.log(
      `autofill accuracy on ${files.length} resumes: email ${emails.length}/${files.length} (${((100 * emails.length) / files.length).toFixed(1)} %), ` +
        `full name ${names.length}/${files.length} (${((100 * names.length) / files.length).toFixed(1)} %)${misses.length ? `\nmisses:\n${misses.join('\n')}` : ''}`,
    );
    expect(emails.length / files.length, misses.join('\n')).toBeGreaterThanOrEqual(0.95);
    expect(names.length / files.length, misses.join('\n')).toBeGreaterThanOrEqual(0.85);
  });

  it('fills nothing from a scanned resume, and reads no text from it', async () => {
    const data = new Uint8Array(readFileSync(path.join(corpusDir, 'scanned.pdf')));
    const pages = await readResumePages(legacyPdfJs, data);
    expect(pages).toHaveLength(1);
    expect(pages[0]!.lines).toEqual([]);
    expect(await read('scanned.pdf')).toEqual({ firstName: null, lastName: null, email: null });
  });

  it('fills nothing, and does not throw, for bytes that are not a readable PDF', async () => {
    const broken = new TextEncoder().encode('%PDF-1.7\nthis is not really a PDF\n%%EOF\n');
    expect(await readResumeFields(legacyPdfJs, broken)).toEqual({ firstName: null, lastName: null, email: null });
  });
});
