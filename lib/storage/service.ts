import 'server-only';

import type { ErrorCode } from '@/lib/contract/error-codes';
export interface DirectUploadRequest {
  key: string;
  contentType: string;
  byteSize: number;
  /** Base64 of the file's 16-byte MD5 digest. */
  checksum: string;
  expiresIn: number;
}

export interface DirectUpload {
  url: string;
  /** Exactly the headers the client must send with its PUT. */
  headers: Record<string, string>;
}

export interface StoredObject {
  byteSize: number;
  /** Base64 MD5 of the stored bytes, when the storage can tell it. */
  checksum?: string;
  etag?: string;
  /** Server-side encryption other than none, as S3 names it (`AES256`, `aws:kms`, ...). */
  encryption?: string;
}

export interface DownloadOptions {
  filename: string;
  contentType: string;
  disposition: 'inline' | 'attachment';
  expiresIn: number;
}

/** Active Storage's Service, in TypeScript: the rest of the app never knows which one runs. */
export interface StorageService {
  readonly name: 'disk' | 's3';
  createDirectUpload(request: DirectUploadRequest): Promise<DirectUpload>;
  stat(key: string): Promise<StoredObject | null>;
  /** Bytes `start` to `end`, both included, or fewer when the object is shorter. */
  readRange(key: string, start: number, end: number): Promise<Uint8Array>;
  /** Stores bytes the server made itself (variants such as previews), replacing any object at `key`. */
  upload(key: string, bytes: Uint8Array, contentType: string): Promise<void>;
  delete(key: string): Promise<void>;
  getDownloadUrl(key: string, options: DownloadOptions): Promise<string>;
}

/**
 * The storage could not be reached or answered with a server error; the caller may retry. Clients
 * get the table's `storage_unavailable` answer (503); the message, with host names, stays in logs.
 */
export class StorageUnavailableError extends Error {
  override name = 'StorageUnavailableError';
  readonly publicCode = 'storage_unavailable' satisfies ErrorCode;
}
