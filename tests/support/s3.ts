import { inject } from 'vitest';
import type { S3ServerSettings } from '@/scripts/harness/s3.mjs';

/** The S3 suite is skipped on purpose: outside CI, on a machine without Ceph. */
export const s3Skipped = (): boolean => inject('s3').state === 'skipped';

/** The S3 server to test against; throws why there is none. */
export function s3Settings(): S3ServerSettings {
  const server = inject('s3');
  if (server.state !== 'ready') throw new Error(server.reason);
  return server.settings;
}
