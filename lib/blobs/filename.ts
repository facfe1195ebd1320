import 'server-only';
import type { FileType } from '@/lib/contract/file-types';
import { removeFormatCharacters } from '@/lib/plain-text';

const maxFilenameLength = 255;

/**
 * The name shown back to people: no folders, no control or invisible format characters (a U+202E
 * could make `cv\u202Efdp.exe` read as a PDF), bounded length, extension kept. It is only ever a
 * label: storage keys are generated separately. A name with nothing left becomes `resume` with the
 * type's extension.
 */
export function sanitizeFilename(raw: string, type?: FileType): string {
  const base = removeFormatCharacters(raw.normalize('NFC')).split(/[\\/]/).pop() ?? '';
  const cleaned = base
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^\.+/, '');
  if (cleaned === '') return `resume${type?.extensions[0] ?? ''}`;
  if (cleaned.length <= maxFilenameLength) return cleaned;
  const dot = cleaned.lastIndexOf('.');
  const extension = dot > 0 && cleaned.length - dot <= 10 ? cleaned.slice(dot) : '';
  return Array.from(cleaned.slice(0, dot > 0 && extension ? dot : cleaned.length))
    .slice(0, maxFilenameLength - extension.length)
    .join('')
    .trimEnd() + extension;
}
