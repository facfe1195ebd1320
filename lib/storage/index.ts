import 'server-only';
import type { S3Client } from '@aws-sdk/client-s3';
import { getEnv } from '@/lib/env';
import { DiskStorageService } from './disk';
import { createS3Client, S3StorageService, type S3Settings } from './s3';
import type { StorageService } from './service';

// One client per configuration (it holds the connection pool), and one service with it (it holds
// the presigner it set up on first use).
interface S3Configured {
  settings: string;
  bucket: string;
  client: S3Client;
  service: S3StorageService;
}
let s3Client: S3Configured | undefined;

/**
 * The configured storage service. The disk service's links point at this app, at the current
 * request's public origin (lib/request-context); S3 URLs point at the bucket.
 */
export function getStorage(): StorageService {
  return configuredS3()?.service ?? new DiskStorageService(getEnv().STORAGE_ROOT);
}

/** The S3 client and bucket when the S3 service is configured, else null. */
export function getS3Connection(): { client: S3Client; bucket: string } | null {
  const s3 = configuredS3();
  return s3 ? { client: s3.client, bucket: s3.bucket } : null;
}

function configuredS3(): S3Configured | null {
  const env = getEnv();
  if (env.STORAGE_SERVICE !== 's3') return null;
  const settings: S3Settings = {
    bucket: env.S3_BUCKET ?? '',
    region: env.AWS_REGION,
    endpoint: env.S3_ENDPOINT,
    forcePathStyle: env.S3_FORCE_PATH_STYLE,
    accessKeyId: env.AWS_ACCESS_KEY_ID,
    secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
  };
  const fingerprint = JSON.stringify(settings);
  if (s3Client?.settings !== fingerprint) {
    const client = createS3Client(settings);
    s3Client = { settings: fingerprint, bucket: settings.bucket, client, service: new S3StorageService(client, settings.bucket) };
  }
  return s3Client;
}

/** The disk service, for its own upload and download routes; 404 when another service is configured. */
export function getDiskStorage(): DiskStorageService | null {
  const storage = getStorage();
  return storage instanceof DiskStorageService ? storage : null;
}
