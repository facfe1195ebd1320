import 'server-only';
import { createHash } from 'node:crypto';
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
import { signedUploadHeaders } from './bucket-url';

export interface S3Settings {
  bucket: string;
  region?: string;
  endpoint?: string;
  forcePathStyle?: boolean;
  accessKeyId?: string;
  secretAccessKey?: string;
}


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
      signableHeaders: new Set(signedUploadHeaders),
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
      const encryption = head.SSECustomerAlgorithm ? 'SSE-C' : head.ServerSideEncryption;
      return {
        byteSize: head.ContentLength ?? 0,
        etag: head.ETag,
        checksum: etagIsMd5(encryption) ? checksumFromEtag(head.ETag) : undefined,
        ...(encryption ? { encryption } : {}),
      };
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

  async upload(key: string, bytes: Uint8Array, contentType: string): Promise<void> {
    const command = new PutObjectCommand({
      Bucket: this.bucket,
      Key: key,
      Body: bytes,
      ContentType: contentType,
      ContentLength: bytes.byteLength,
      // The SDK sends no checksum of its own (WHEN_REQUIRED): ask the store to check this one.
      ContentMD5: createHash('md5').update(bytes).digest('base64'),
    });
    await this.call(() => this.client.send(command));
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

/**
 * S3's ETag is the MD5 of the bytes for a single-part object stored plain or with SSE-S3 (AES256),
 * but not with SSE-KMS or DSSE-KMS (which a bucket's default encryption may impose) or SSE-C. Then
 * the MD5 was checked by S3 itself: the presigned PUT signs Content-MD5, so the uploader must send
 * ours, and S3 refuses a body that does not match it (BadDigest).
 */
function etagIsMd5(encryption: string | undefined): boolean {
  return encryption === undefined || encryption === 'AES256';
}

function isNotFound(error: unknown): boolean {
  return (
    error instanceof S3ServiceException &&
    (error.name === 'NotFound' || error.name === 'NoSuchKey' || error.$metadata.httpStatusCode === 404)
  );
}
