import 'server-only';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { checksumFromEtag } from './checksum';
import { buildContentDisposition } from './content-disposition';
import {
  StorageUnavailableError,
  type DirectUpload,
  type DirectUploadRequest,
  type DownloadOptions,
  type StorageService,
  type StoredObject,
} from './service';

export interface S3Settings {
  bucket: string;
  region?: string;
  endpoint?: string;
  forcePathStyle?: boolean;
  accessKeyId?: string;
  secretAccessKey?: string;
}

// Signed, so that whoever holds the URL can store only these exact bytes, this type, once.
const signedUploadHeaders = new Set(['content-type', 'content-md5', 'content-length', 'if-none-match']);

export function createS3Client(settings: S3Settings): S3Client {
  return new S3Client({
    region: settings.region ?? 'us-east-1',
    endpoint: settings.endpoint,
    forcePathStyle: settings.forcePathStyle,
    credentials:
      settings.accessKeyId && settings.secretAccessKey
        ? { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey }
        : undefined,
    // SDK >= 3.729 would otherwise add x-amz-checksum-crc32 of an *empty* body to presigned PUTs.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

/** S3 and S3-compatible stores (R2, MinIO, Ceph RGW): the browser talks to the bucket directly. */
export class S3StorageService implements StorageService {
  readonly name = 's3' as const;

  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  async createDirectUpload(request: DirectUploadRequest): Promise<DirectUpload> {
    const command = new PutObjectCommand({
      Bucket: this.bucket,
      Key: request.key,
      ContentType: request.contentType,
      ContentMD5: request.checksum,
      ContentLength: request.byteSize,
      IfNoneMatch: '*',
    });
    const url = await getSignedUrl(this.client, command, {
      expiresIn: request.expiresIn,
      signableHeaders: signedUploadHeaders,
    });
    // Content-Length is signed too, but browsers set it themselves and refuse to let scripts do so.
    return {
      url,
      headers: { 'Content-Type': request.contentType, 'Content-MD5': request.checksum, 'If-None-Match': '*' },
    };
  }

  async stat(key: string): Promise<StoredObject | null> {
    try {
      const head = await this.call(() => this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key })));
      return { byteSize: head.ContentLength ?? 0, etag: head.ETag, checksum: checksumFromEtag(head.ETag) };
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async readRange(key: string, start: number, end: number): Promise<Uint8Array> {
    const object = await this.call(() =>
      this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: `bytes=${start}-${end}` })),
    );
    return object.Body ? object.Body.transformToByteArray() : new Uint8Array();
  }

  async statWithHead(key: string, length: number): Promise<{ stored: StoredObject; head: Uint8Array } | null> {
    try {
      const object = await this.call(() =>
        this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: `bytes=0-${length - 1}` })),
      );
      const head = object.Body ? await object.Body.transformToByteArray() : new Uint8Array();
      // `bytes 0-1023/4096`: the object's size. The ETag is the whole object's, not the range's.
      const total = /\/(\d+)$/.exec(object.ContentRange ?? '')?.[1];
      const byteSize = total === undefined ? (object.ContentLength ?? head.length) : Number(total);
      return { stored: { byteSize, etag: object.ETag, checksum: checksumFromEtag(object.ETag) }, head: head.subarray(0, length) };
    } catch (error) {
      if (isNotFound(error)) return null;
      // An empty object has no byte 0 to range over (416): its HEAD still tells its size.
      if (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 416) {
        const stored = await this.stat(key);
        return stored ? { stored, head: new Uint8Array() } : null;
      }
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await this.call(() => this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key })));
  }

  async getDownloadUrl(key: string, options: DownloadOptions): Promise<string> {
    const command = new GetObjectCommand({
      Bucket: this.bucket,
      Key: key,
      ResponseContentType: options.contentType,
      ResponseContentDisposition: buildContentDisposition(options.disposition, options.filename),
      ResponseCacheControl: 'private, no-store',
    });
    return getSignedUrl(this.client, command, { expiresIn: options.expiresIn });
  }

  /** Network failures and 5xx answers become StorageUnavailableError (503 to our clients). */
  private async call<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      if (isNotFound(error)) throw error;
      if (error instanceof S3ServiceException && (error.$metadata.httpStatusCode ?? 0) < 500) throw error;
      throw new StorageUnavailableError(`S3 request failed: ${(error as Error).message}`, { cause: error });
    }
  }
}

function isNotFound(error: unknown): boolean {
  return (
    error instanceof S3ServiceException &&
    (error.name === 'NotFound' || error.name === 'NoSuchKey' || error.$metadata.httpStatusCode === 404)
  );
}
