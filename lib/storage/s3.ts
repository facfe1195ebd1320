import 'server-only';
import { createHash } from 'node:crypto';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { formatUrl } from '@aws-sdk/core/util';
import { getSignedUrl, S3RequestPresigner } from '@aws-sdk/s3-request-presigner';
import { checksumFromEtag } from './checksum';
import { buildContentDisposition } from './content-disposition';
import { applyCorsRules, readCorsRules } from './cors';
import { StorageRefusedError, StorageUnavailableError } from './errors';
import type { CrossOriginBucket, DirectUpload, DirectUploadRequest, DownloadOptions, StorageService, StoredObject } from './service';
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

type RequestToSign = Parameters<S3RequestPresigner['presign']>[0];

/**
 * How this bucket's URLs are signed, learnt once from one `getSignedUrl` (which runs the client's
 * whole middleware stack per call): the object URL's origin, path style and signing region, then one
 * SigV4 presigner for every key. tests/unit/s3-presign.test.ts holds the URLs to `getSignedUrl`'s.
 */
interface ObjectUrlSigner {
  presigner: S3RequestPresigner;
  signingRegion: string;
  base: { protocol: string; hostname: string; port?: number; pathPrefix: string };
}

// Our keys are base36 (lib/storage/keys.ts): a probe of that shape is addressed as every key is.
const probeKey = 'probe0000000000000000000000';

/** S3 and S3-compatible stores (R2, MinIO, Ceph RGW): the browser talks to the bucket directly. */
export class S3StorageService implements StorageService {
  readonly name = 's3' as const;
  /** The page PUTs to the bucket from the app's origin: its CORS rules are ours to set and check. */
  readonly bucket: CrossOriginBucket;
  private signer?: Promise<ObjectUrlSigner>;

  /** `client`: public as Active Storage's S3Service has it, for tests that watch its requests. */
  constructor(
    readonly client: S3Client,
    private readonly bucketName: string,
  ) {
    this.bucket = {
      name: bucketName,
      readCorsRules: () => readCorsRules(client, bucketName),
      applyCorsRules: (rules) => applyCorsRules(client, bucketName, rules),
    };
  }

  async createDirectUpload(request: DirectUploadRequest): Promise<DirectUpload> {
    const url = await this.presignObjectUrl(
      'PUT',
      request.key,
      { 'x-id': 'PutObject' },
      {
        'content-type': request.contentType,
        'content-md5': request.checksum,
        'content-length': String(request.byteSize),
        'if-none-match': '*',
      },
      { expiresIn: request.expiresIn, signableHeaders: new Set(signedUploadHeaders) },
    );
    // Content-Length is signed too, but browsers set it themselves and refuse to let scripts do so.
    return {
      url,
      headers: { 'Content-Type': request.contentType, 'Content-MD5': request.checksum, 'If-None-Match': '*' },
    };
  }

  async stat(key: string): Promise<StoredObject | null> {
    try {
      const head = await this.call(() => this.client.send(new HeadObjectCommand({ Bucket: this.bucketName, Key: key })));
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

  async exists(key: string): Promise<boolean> {
    return (await this.stat(key)) !== null;
  }

  async readRange(key: string, start: number, end: number): Promise<Uint8Array> {
    const object = await this.call(() =>
      this.client.send(new GetObjectCommand({ Bucket: this.bucketName, Key: key, Range: `bytes=${start}-${end}` })),
    );
    return object.Body ? object.Body.transformToByteArray() : new Uint8Array();
  }

  async upload(key: string, bytes: Uint8Array, contentType: string): Promise<void> {
    const command = new PutObjectCommand({
      Bucket: this.bucketName,
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
    await this.call(() => this.client.send(new DeleteObjectCommand({ Bucket: this.bucketName, Key: key })));
  }

  /**
   * One DeleteObject per key listed: DeleteObjects would need a request checksum, which some
   * S3-compatible stores refuse in the form SDK v3 sends it; a prefix holds a few objects.
   */
  async deletePrefixed(prefix: string): Promise<void> {
    if (prefix === '') throw new Error('Refusing to delete every object: deletePrefixed needs a prefix');
    let continuationToken: string | undefined;
    do {
      const page = await this.call(() =>
        this.client.send(new ListObjectsV2Command({ Bucket: this.bucketName, Prefix: prefix, ContinuationToken: continuationToken })),
      );
      const keys = (page.Contents ?? []).flatMap((object) => (object.Key ? [object.Key] : []));
      for (let start = 0; start < keys.length; start += 8) {
        await Promise.all(keys.slice(start, start + 8).map((key) => this.delete(key)));
      }
      continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (continuationToken);
  }

  async ping(): Promise<void> {
    try {
      await this.call(() => this.client.send(new HeadBucketCommand({ Bucket: this.bucketName })));
    } catch (error) {
      const status = error instanceof S3ServiceException ? error.$metadata.httpStatusCode : undefined;
      if (status === 404) throw new StorageRefusedError('missing', status, `Bucket ${this.bucketName} does not exist at this endpoint.`);
      if (status === 401 || status === 403) {
        throw new StorageRefusedError('forbidden', status, `The storage refused these credentials for bucket ${this.bucketName} (HTTP ${status}).`);
      }
      throw error;
    }
  }

  async getDownloadUrl(key: string, options: DownloadOptions): Promise<string> {
    return this.presignObjectUrl(
      'GET',
      key,
      {
        'response-cache-control': 'private, no-store',
        'response-content-disposition': buildContentDisposition(options.disposition, options.filename),
        'response-content-type': options.contentType,
        'x-id': 'GetObject',
      },
      {},
      { expiresIn: options.expiresIn },
    );
  }

  /** A presigned URL for one object, as `getSignedUrl` makes it, without its per-call set-up. */
  private async presignObjectUrl(
    method: 'GET' | 'PUT',
    key: string,
    query: Record<string, string>,
    headers: Record<string, string>,
    options: { expiresIn: number; signableHeaders?: Set<string> },
  ): Promise<string> {
    const { presigner, signingRegion, base } = await this.objectUrlSigner();
    const request: RequestToSign = {
      method,
      protocol: base.protocol,
      hostname: base.hostname,
      ...(base.port === undefined ? {} : { port: base.port }),
      path: `${base.pathPrefix}${encodeKey(key)}`,
      query,
      headers,
    };
    return formatUrl(await presigner.presign(request, { ...options, signingRegion, signingService: 's3' }));
  }

  private objectUrlSigner(): Promise<ObjectUrlSigner> {
    this.signer ??= this.learnObjectUrlSigner().catch((error: unknown) => {
      this.signer = undefined;
      throw error;
    });
    return this.signer;
  }

  private async learnObjectUrlSigner(): Promise<ObjectUrlSigner> {
    const probe = new URL(await getSignedUrl(this.client, new GetObjectCommand({ Bucket: this.bucketName, Key: probeKey }), { expiresIn: 60 }));
    if (!probe.pathname.endsWith(`/${probeKey}`)) throw new Error(`Unexpected presigned URL shape for bucket ${this.bucketName}`);
    // X-Amz-Credential is <key id>/<date>/<region>/s3/aws4_request.
    const signingRegion = probe.searchParams.get('X-Amz-Credential')?.split('/').at(-3);
    if (!signingRegion) throw new Error('Presigned URL without a credential scope');
    const presigner = new S3RequestPresigner({
      ...this.client.config,
      signingName: 's3',
      region: async () => signingRegion,
    });
    return {
      presigner,
      signingRegion,
      base: {
        protocol: probe.protocol,
        hostname: probe.hostname,
        ...(probe.port ? { port: Number(probe.port) } : {}),
        pathPrefix: probe.pathname.slice(0, -probeKey.length),
      },
    };
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

/** A key in an S3 path, as the SDK writes it: each segment URI-encoded, `/` kept. */
function encodeKey(key: string): string {
  return key
    .split('/')
    .map((segment) => encodeURIComponent(segment).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`))
    .join('/');
}
