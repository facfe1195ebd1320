import { describe, expect, it } from 'vitest';
import { sanitizeFilename } from '@/lib/blobs/filename';
import { fileTypes, hasExtensionOf } from '@/lib/contract/file-types';
import { formatBytes } from '@/lib/format-bytes';
import { checksumFromEtag } from '@/lib/storage/checksum';
import { buildContentDisposition } from '@/lib/storage/content-disposition';

describe('sanitizeFilename', () => {
  it.each([
    ['../../x.pdf', 'x.pdf'],
    ['C:\\Users\\ada\\cv.pdf', 'cv.pdf'],
    ['re\u0000su\u001fme\u007f.pdf', 'resume.pdf'],
    ['  spaced   out .pdf ', 'spaced out .pdf'],
    ['.hidden.pdf', 'hidden.pdf'],
    ['../', 'resume.pdf'],
    ['Résumé – 履歴書.pdf', 'Résumé – 履歴書.pdf'],
  ])('%j -> %j', (raw, clean) => {
    expect(sanitizeFilename(raw, fileTypes.pdf)).toBe(clean);
  });

  it('names a file with nothing left after its type', () => {
    expect(sanitizeFilename('\u202E/', fileTypes.docx)).toBe('resume.docx');
    expect(sanitizeFilename('', undefined)).toBe('resume');
  });

  it('shortens 300 characters to 255, keeping the extension', () => {
    const clean = sanitizeFilename(`${'a'.repeat(296)}.pdf`);
    expect(clean).toHaveLength(255);
    expect(hasExtensionOf(fileTypes.pdf, clean)).toBe(true);
    expect(sanitizeFilename(`${'b'.repeat(296)}.docx`)).toMatch(/^b{250}\.docx$/);
  });
});

describe('buildContentDisposition', () => {
  it('keeps ASCII names as they are', () => {
    expect(buildContentDisposition('attachment', 'cv.pdf')).toBe(`attachment; filename="cv.pdf"; filename*=UTF-8''cv.pdf`);
  });

  it('escapes quotes in the fallback and percent-encodes the exact name', () => {
    expect(buildContentDisposition('inline', `a"b'(1).pdf`)).toBe(`inline; filename="a_b'(1).pdf"; filename*=UTF-8''a%22b%27%281%29.pdf`);
  });

  it('gives back a non-ASCII name exactly', () => {
    const header = buildContentDisposition('inline', 'Résumé – 履歴書.pdf');
    const encoded = /filename\*=UTF-8''(.+)$/.exec(header)?.[1] ?? '';
    expect(decodeURIComponent(encoded)).toBe('Résumé – 履歴書.pdf');
    expect(header).toMatch(/^[\x20-\x7e]+$/);
  });
});

describe('checksumFromEtag', () => {
  it('turns a single-part ETag into the base64 MD5', () => {
    expect(checksumFromEtag('"56d56b4ef6f25bb2f60ceb1106c87451"')).toBe('VtVrTvbyW7L2DOsRBsh0UQ==');
  });

  it('says nothing for a multipart ETag', () => {
    expect(checksumFromEtag('"56d56b4ef6f25bb2f60ceb1106c87451-3"')).toBeUndefined();
  });
});

describe('formatBytes', () => {
  it.each([
    [512, '512 bytes'],
    [1536, '1.5 KB'],
    [10 * 1024 * 1024, '10 MB'],
    [50 * 1024 * 1024, '50 MB'],
  ])('%d -> %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});
