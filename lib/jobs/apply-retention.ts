import 'server-only';
import { z } from 'zod';
import { applyRetention } from '@/lib/privacy/retention';
import { defineJob } from './define-job';

/**
 * Daily: applicants past RETENTION_DAYS and audit entries past AUDIT_RETENTION_DAYS
 * (lib/privacy/retention.ts). An applicant whose objects could not be deleted is kept; the
 * job fails so that it is retried within the hour, and the next day's run catches up besides.
 */
export const applyRetentionJob = defineJob({
  name: 'apply-retention',
  payload: z.object({}).loose(),
  async handler() {
    const result = await applyRetention();
    if (result.deleted > 0 || result.failed > 0)
      console.log(
        `retention: ${result.deleted} applicant(s) deleted, ${result.failed} kept for a retry`,
      );
    if (result.failed > 0) throw new Error(`${result.failed} applicant(s) could not be deleted`);
  },
  retryLimit: 2,
  retryDelaySeconds: 600,
  retryDelayMaxSeconds: 1800,
  timeoutSeconds: 1800,
  concurrency: 1,
  schedule: '41 3 * * *',
  policy: 'stately',
});
