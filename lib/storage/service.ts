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
  /**
   * `stat` and the first `length` bytes in one request, for a storage that can (S3: one ranged GET
   * answers the size, the ETag and the bytes); callers use `stat` and `readRange` otherwise.
   */
  statWithHead?(key: string, length: number): Promise<{ stored: StoredObject; head: Uint8Array } | null>;
  delete(key: string): Promise<void>;
  getDownloadUrl(key: string, options: DownloadOptions): Promise<string>;
}

/** The storage could not be reached or answered with a server error; the caller may retry. */
export class StorageUnavailableError extends Error {
  override name = 'StorageUnavailableError';
}
