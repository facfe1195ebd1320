import 'server-only';
import { and, eq } from 'drizzle-orm';
import type { Database } from '@/db/client';
import { blobs, type Blob } from '@/db/schema';
import { fileTypeByContentType, fileTypes, hasSignatureOf, type FileType, type FileTypeName } from '@/lib/contract/file-types';
import { appError } from '@/lib/http/errors';
import type { StorageService } from '@/lib/storage/service';
import { fileTypeNotAccepted, getAcceptedFileTypes } from './accepted-file-types';
import { zipHoldsEntry } from './zip-holds-entry';

type StoredObject = Pick<Blob, 'key' | 'byteSize'>;

/**
 * What a type's bytes must hold beyond their signature. Every ZIP archive starts as a .docx does:
 * a Word document is one that has its main part, read from the archive's directory.
 */
const structureChecks: Partial<Record<FileTypeName, (storage: StorageService, blob: StoredObject) => Promise<boolean>>> = {
  docx: (storage, blob) => zipHoldsEntry(storage, blob.key, blob.byteSize, 'word/document.xml'),
};

async function isOfType(storage: StorageService, blob: StoredObject, type: FileType, head: Uint8Array): Promise<boolean> {
  if (!hasSignatureOf(type, head)) return false;
  const check = structureChecks[type.name as FileTypeName];
  return check ? check(storage, blob) : true;
}

/** What attaching a blob reads of it. */
export type UploadCandidate = Pick<Blob, 'id' | 'key' | 'state' | 'serviceName' | 'byteSize' | 'checksum' | 'filename' | 'contentType'>;

/**
 * Checks that the bytes in storage are the ones the blob was created for before anything points
 * at them: present, same size, same MD5, and of the type it was declared (file-types.ts: its
 * signature, and for a Word document its main part). A blob whose bytes are wrong is removed.
 * `blob` is the row the caller read (null: no such blob).
 */
export async function verifyUploadedBlob(db: Database, storage: StorageService, blob: UploadCandidate | null): Promise<UploadCandidate> {
  if (!blob) {
    throw appError('blob_not_found', { fields: { pdf: 'Upload not found; choose the file again.' } });
  }
  if (blob.state === 'attached') throw alreadyAttached();
  if (blob.state === 'purging') {
    throw appError('blob_token_expired', { fields: { pdf: 'The upload expired; choose the file again.' } });
  }
  if (blob.serviceName !== storage.name) {
    throw appError('blob_not_found', { message: 'The uploaded file is in another storage service. Please upload it again.', fields: { pdf: 'Upload not found; choose the file again.' } });
  }

  // RESUME_TYPES may have changed since the presign: an upload of a type no longer taken is refused
  // and removed, as at the presign.
  const accepted = getAcceptedFileTypes();
  const declared = fileTypeByContentType(blob.contentType);
  if (declared && !accepted.includes(declared)) {
    await discardBlob(db, storage, blob);
    throw fileTypeNotAccepted(declared, accepted, 'pdf');
  }

  // Both at once: with S3 they are two round trips (HEAD and a 1 KiB ranged GET).
  const [stored, head] = await Promise.all([
    storage.stat(blob.key),
    storage.readRange(blob.key, 0, 1023).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error)))),
  ]);
  if (!stored) {
    throw appError('upload_incomplete', { fields: { pdf: 'The file has not finished uploading.' } });
  }
  if (stored.byteSize !== blob.byteSize || (stored.checksum !== undefined && stored.checksum !== blob.checksum)) {
    await discardBlob(db, storage, blob);
    throw appError('upload_corrupted', { fields: { pdf: 'The stored file does not match; choose the file again.' } });
  }
  if (head instanceof Error) throw head;
  // Blobs are only ever recorded with a type of the table; one that is not is refused as not a PDF was.
  const type = fileTypeByContentType(blob.contentType) ?? fileTypes.pdf;
  if (!(await isOfType(storage, blob, type, head))) {
    await discardBlob(db, storage, blob);
    throw appError(type.mismatchCode, { fields: { pdf: `This file is not ${type.noun}.` } });
  }
  return blob;
}

export function alreadyAttached() {
  return appError('blob_already_attached', { fields: { pdf: 'This upload has already been used.' } });
}

/** Removes a blob that will never be attached: its object, then its row (only while still pending). */
async function discardBlob(db: Database, storage: StorageService, blob: Pick<Blob, 'id' | 'key'>): Promise<void> {
  await storage.delete(blob.key);
  await db.delete(blobs).where(and(eq(blobs.id, blob.id), eq(blobs.state, 'pending')));
}
