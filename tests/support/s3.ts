import { inject } from 'vitest';
import { getStorage } from '@/lib/storage';
import { S3StorageService } from '@/lib/storage/s3';
import type { S3ServerSettings } from '@/scripts/harness/s3.mjs';

/** The S3 suite is skipped on purpose: outside CI, on a machine without Ceph. */
export const s3Skipped = (): boolean => inject('s3').state === 'skipped';

/** The S3 server to test against; throws why there is none. */
export function s3Settings(): S3ServerSettings {
  const server = inject('s3');
  if (server.state !== 'ready') throw new Error(server.reason);
  return server.settings;
}

/** The configured S3 service, whose client a test may watch or rewrite answers of. */
export function s3Service(): S3StorageService {
  const storage = getStorage();
  if (!(storage instanceof S3StorageService)) throw new Error('The S3 service is not the configured storage');
  return storage;
}
