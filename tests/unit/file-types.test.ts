import { describe, expect, it } from 'vitest';
import { findZipDirectory, listZipEntries, readZipEntries, zipEntryData, zipTailLength } from '@/lib/analysis/zip-directory.mjs';
import { checkResumeFile } from '@/lib/browser/direct-upload/check-resume-file';
import {
  acceptAttribute,
  describeExtensions,
  describeFileTypes,
  fileTypeByContentType,
  fileTypeByName,
  fileTypes,
  hasSignatureOf,
} from '@/lib/contract/file-types';
import { docxContentType, makeDocx, makePlainZip, makeZip } from '../fixtures/docx';
import { makePdf } from '../fixtures/pdf';

const both = [fileTypes.pdf, fileTypes.docx];
const MiB = 1024 * 1024;

describe('the file policy (lib/contract/file-types.ts)', () => {
  it('finds a type by content type and by name, and describes the accepted ones', () => {
    expect(fileTypeByContentType('application/pdf')).toBe(fileTypes.pdf);
    expect(fileTypeByContentType(docxContentType)).toBe(fileTypes.docx);
    expect(fileTypeByContentType('application/msword')).toBeUndefined();
    expect(fileTypeByName('CV.DOCX', both)).toBe(fileTypes.docx);
    expect(fileTypeByName('cv.docx', [fileTypes.pdf])).toBeUndefined();
    expect(fileTypeByName('cv.doc', both)).toBeUndefined();
    expect(acceptAttribute(both)).toBe(`application/pdf,.pdf,${docxContentType},.docx`);
    expect(acceptAttribute([fileTypes.pdf])).toBe('application/pdf,.pdf');
    expect(describeFileTypes(both)).toBe('PDF or Word');
    expect(describeExtensions(both)).toBe('.pdf or .docx');
  });

  it('tells each type by its first bytes', () => {
    expect(hasSignatureOf(fileTypes.pdf, makePdf())).toBe(true);
    expect(hasSignatureOf(fileTypes.docx, makeDocx(['x']))).toBe(true);
    expect(hasSignatureOf(fileTypes.docx, makePdf())).toBe(false);
    expect(hasSignatureOf(fileTypes.pdf, makeDocx(['x']))).toBe(false);
    expect(hasSignatureOf(fileTypes.pdf, new Uint8Array([0x25, 0x50]))).toBe(false);
  });
});

describe('the browser check (checkResumeFile)', () => {
  const file = (bytes: Uint8Array, name: string, type = '') => new File([new Uint8Array(bytes)], name, { type });

  it('accepts a PDF and a Word document by name, declared type and signature', async () => {
    expect(await checkResumeFile(file(makePdf(), 'cv.pdf', 'application/pdf'), 10 * MiB, both)).toBeNull();
    expect(await checkResumeFile(file(makeDocx(['Ada']), 'cv.docx', docxContentType), 10 * MiB, both)).toBeNull();
    expect(await checkResumeFile(file(makeDocx(['Ada']), 'cv.docx'), 10 * MiB, both)).toBeNull();
  });

  it('refuses a type left out, a name and type that disagree, and bytes that are another type', async () => {
    expect(await checkResumeFile(file(makeDocx(['Ada']), 'cv.docx', docxContentType), 10 * MiB, [fileTypes.pdf])).toBe(
      '“cv.docx” is not a PDF. Please choose a .pdf file.',
    );
    expect(await checkResumeFile(file(makePdf(), 'notes.txt', 'text/plain'), 10 * MiB, both)).toBe(
      '“notes.txt” is not a PDF or Word file. Please choose a .pdf or .docx file.',
    );
    expect(await checkResumeFile(file(makePdf(), 'cv.docx', 'application/pdf'), 10 * MiB, both)).toMatch(/is not a PDF or Word file/);
    expect(await checkResumeFile(file(makePdf(), 'cv.docx'), 10 * MiB, both)).toBe(
      '“cv.docx” is named .docx but is not a Word document (.docx). Please export your resume again.',
    );
    expect(await checkResumeFile(file(makeDocx(['x']), 'cv.docx'), 10, both)).toMatch(/^“cv.docx” is [\d.]+ KB; the limit is 10 bytes.$/);
  });
});

describe('reading a ZIP archive from its end (zip-directory.mjs)', () => {
  it('lists the entries of a .docx and finds their data', () => {
    const docx = makeDocx(['Hello']);
    const entries = listZipEntries(docx);
    expect(entries?.map((entry) => entry.name)).toEqual(['[Content_Types].xml', '_rels/.rels', 'word/document.xml', 'docProps/core.xml', 'docProps/app.xml']);
    const main = entries!.find((entry) => entry.name === 'word/document.xml')!;
    expect(main.method).toBe(8);
    expect(zipEntryData(docx, main)?.byteLength).toBe(main.compressedSize);
  });

  it('finds the directory past an archive comment, from the tail alone', () => {
    const zip = makePlainZip();
    const comment = Buffer.from('a comment of the archive');
    const withComment = Buffer.concat([zip, comment]);
    withComment.writeUInt16LE(comment.length, zip.length - 2);
    const directory = findZipDirectory(withComment.subarray(-100), withComment.length);
    expect(directory).toMatchObject({ entryCount: 1 });
    const entries = readZipEntries(withComment.subarray(directory!.offset, directory!.offset + directory!.size), directory!.entryCount);
    expect(entries?.map((entry) => entry.name)).toEqual(['notes.txt']);
    expect(zipTailLength).toBe(22 + 65535);
  });

  it('finds nothing in what is not a ZIP archive, or a truncated one', () => {
    expect(listZipEntries(makePdf())).toBeNull();
    expect(listZipEntries(makeDocx(['x']).subarray(0, 200))).toBeNull();
    const stored = makeZip([{ name: 'word/document.xml', data: Buffer.from('<w:document/>'), stored: true }]);
    // The directory claims to start past the end record: not a directory.
    const broken = Buffer.from(stored);
    broken.writeUInt32LE(stored.length, stored.length - 6);
    expect(listZipEntries(broken)).toBeNull();
    expect(listZipEntries(stored)?.map((entry) => [entry.name, entry.method])).toEqual([['word/document.xml', 0]]);
  });
});
