// The resume file types the app knows, declared once: the presign, the stored-object check, the
// file name rules, the browser's check and `accept=`, analysis and /admin all read this table.
// Plain data and small functions, so that browser code may import it (no zod, nothing server-side).
// A new type starts here (README, Development: Layout).
import type { ErrorCode } from './error-codes';

export interface FileType {
  /** The name `RESUME_TYPES` uses. */
  name: string;
  contentType: string;
  /** Lower case, with the dot; the first is the one given to a file without a usable name. */
  extensions: readonly string[];
  /** The first bytes of every such file ("magic bytes"). */
  signature: readonly number[];
  /** A ceiling of the type's own, below `MAX_UPLOAD_BYTES` (which applies to every type): none for PDF. */
  maxBytes?: number;
  /** As people call it: "Resume (PDF or Word)". */
  label: string;
  /** In a sentence: "This file is not a PDF." */
  noun: string;
  /** What attaching answers when the stored bytes are not this type. */
  mismatchCode: ErrorCode;
  /** Whether analysis draws a first-page image of it. */
  previewed: boolean;
}

const MiB = 1024 * 1024;

export const fileTypes = {
  pdf: {
    name: 'pdf',
    contentType: 'application/pdf',
    extensions: ['.pdf'],
    signature: [0x25, 0x50, 0x44, 0x46, 0x2d], // %PDF-
    label: 'PDF',
    noun: 'a PDF',
    mismatchCode: 'not_a_pdf',
    previewed: true,
  },
  docx: {
    name: 'docx',
    contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    extensions: ['.docx'],
    signature: [0x50, 0x4b, 0x03, 0x04], // PK\3\4: a ZIP archive's first entry
    // A Word resume is text and a photo or two; the analysis worker holds the whole archive.
    maxBytes: 20 * MiB,
    label: 'Word',
    noun: 'a Word document (.docx)',
    mismatchCode: 'not_a_docx',
    previewed: false,
  },
} as const satisfies Record<string, FileType>;

export type FileTypeName = keyof typeof fileTypes;

export const fileTypeNames = Object.keys(fileTypes) as FileTypeName[];

export function isFileTypeName(value: string): value is FileTypeName {
  return Object.hasOwn(fileTypes, value);
}

export function fileTypeByContentType(contentType: string): FileType | undefined {
  return Object.values(fileTypes).find((type) => type.contentType === contentType);
}

export function hasExtensionOf(type: FileType, filename: string): boolean {
  const lower = filename.toLowerCase();
  return type.extensions.some((extension) => lower.endsWith(extension));
}

/** The type among `types` whose extension `filename` has. */
export function fileTypeByName(filename: string, types: readonly FileType[]): FileType | undefined {
  return types.find((type) => hasExtensionOf(type, filename));
}

/** The largest file of `type` accepted where `MAX_UPLOAD_BYTES` is `maxUploadBytes`. */
export function maxBytesOf(type: FileType, maxUploadBytes: number): number {
  return Math.min(maxUploadBytes, type.maxBytes ?? maxUploadBytes);
}

export function hasSignatureOf(type: FileType, head: Uint8Array): boolean {
  return type.signature.every((byte, index) => head[index] === byte);
}

/** The file input's `accept=`: each type's content type and extensions. */
export function acceptAttribute(types: readonly FileType[]): string {
  return types.flatMap((type) => [type.contentType, ...type.extensions]).join(',');
}

function joinWithOr(words: string[]): string {
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} or ${words.at(-1)}`;
}

/** "PDF or Word": the field's label. */
export function describeFileTypes(types: readonly FileType[]): string {
  return joinWithOr(types.map((type) => type.label));
}

/** ".pdf or .docx": what a file's name must end with. */
export function describeExtensions(types: readonly FileType[]): string {
  return joinWithOr(types.flatMap((type) => [...type.extensions]));
}
