import 'server-only';
import type { CORSRule } from '@aws-sdk/client-s3';

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

/**
 * A bucket on another origin, which the browser PUTs to directly (S3 and S3-compatible stores): its
 * CORS rules must let the page's upload through. The disk service has none: its URLs are this app's.
 */
export interface CrossOriginBucket {
  readonly name: string;
  readCorsRules(): Promise<CORSRule[]>;
  applyCorsRules(rules: CORSRule[]): Promise<void>;
}

/**
 * Active Storage's Service, in TypeScript: the rest of the app never knows which one runs. A new
 * service implements this and passes the storage contract suite (tests/support/storage-contract.ts).
 */
export interface StorageService {
  readonly name: 'disk' | 's3';
  /** A URL and the exact headers with which a client can PUT these bytes once, and nothing else. */
  createDirectUpload(request: DirectUploadRequest): Promise<DirectUpload>;
  stat(key: string): Promise<StoredObject | null>;
  exists(key: string): Promise<boolean>;
  /** Bytes `start` to `end`, both included, or fewer when the object is shorter. */
  readRange(key: string, start: number, end: number): Promise<Uint8Array>;
  /** Stores bytes the server made itself (variants such as previews), replacing any object at `key`. */
  upload(key: string, bytes: Uint8Array, contentType: string): Promise<void>;
  /** Removes the object; nothing happens when there is none. */
  delete(key: string): Promise<void>;
  /** Removes every object whose key starts with `prefix` (not empty), e.g. a blob's `variants/<key>/`. */
  deletePrefixed(prefix: string): Promise<void>;
  getDownloadUrl(key: string, options: DownloadOptions): Promise<string>;
  /**
   * Resolves when the storage can be used (a bucket HEAD, a writable folder). Raises
   * StorageRefusedError or StorageUnavailableError (lib/storage/errors.ts), or the file system's error.
   */
  ping(): Promise<void>;

  // Capabilities some services have; the callers do without them on the others.
  /** The bucket the browser uploads to, on another origin: present when CORS must allow the page. */
  readonly bucket?: CrossOriginBucket;
  /** Bytes free for new objects, where space is finite and known (a local file system). */
  freeBytes?(): Promise<number>;
  /**
   * Removes what uploads whose process died left behind, not written to since `olderThan`; returns
   * how many went. For stores that keep partial uploads themselves (a folder of temporary files).
   */
  purgeInterruptedUploads?(olderThan: Date): Promise<number>;
}
