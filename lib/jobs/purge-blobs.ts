import 'server-only';
import { z } from 'zod';
import { purgeUnattachedBlobs } from '@/lib/blobs/purge-unattached';
import { pruneRateLimits } from '@/lib/http/rate-limit';
import { defineJob } from './define-job';

/**
 * Hourly: blobs never attached (object and row), abandoned uploads, leftover temporary files, and
 * rate-limit windows that have ended. A failure is retried within the hour; the next run also
 * catches up.
 */
export const purgeBlobsJob = defineJob({
  name: 'purge-blobs',
  payload: z.object({}).loose(),
  async handler() {
    const result = await purgeUnattachedBlobs();
    await pruneRateLimits();
    if (result.failed > 0) throw new Error(`${result.failed} blob(s) could not be purged`);
  },
  retryLimit: 2,
  retryDelaySeconds: 60,
  retryDelayMaxSeconds: 900,
  timeoutSeconds: 600,
  concurrency: 1,
  schedule: '17 * * * *',
  policy: 'stately',
});
