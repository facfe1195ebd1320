import 'server-only';
import { getEnv } from '@/lib/env';
import { DiskStorageService } from './disk';
import { createS3Client, S3StorageService, type S3Settings } from './s3';
import type { StorageService } from './service';

// One client per configuration (it holds the connection pool), and one service with it (it holds
// the presigner it set up on first use).
interface S3Configured {
  settings: string;
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
    s3Client = { settings: fingerprint, service: new S3StorageService(createS3Client(settings), settings.bucket) };
  }
  return s3Client;
}

/**
 * The disk service, for the controller of its own upload and download route; null when another
 * service is configured. The one place that asks which service runs.
 */
export function getDiskStorage(): DiskStorageService | null {
  const storage = getStorage();
  return storage instanceof DiskStorageService ? storage : null;
}
