import 'server-only';
import { z } from 'zod';
import { getEnv } from '@/lib/env';
import { mailMode } from '@/lib/mail/mode';
import { defineJob } from './define-job';
import { mailKey, sendMailJob, type MailPayload } from './send-mail';
import { sendJob } from './send-job';

/**
 * Hourly, with RECRUITER_NOTICE=hourly: queues the digest of the hour that just ended as a
 * send-mail job, which names its hour, so that its retries (for up to a day) still send that hour.
 */
export const queueRecruiterDigestJob = defineJob({
  name: 'queue-recruiter-digest',
  payload: z.object({}).loose(),
  async handler() {
    const env = getEnv();
    if (
      env.RECRUITER_NOTICE !== 'hourly' ||
      env.RECRUITER_EMAILS.length === 0 ||
      mailMode(env) === 'off'
    )
      return;
    const hour = new Date(Math.floor(Date.now() / 3600_000) * 3600_000 - 3600_000).toISOString();
    const payload: MailPayload = { kind: 'recruiter-digest', hour };
    await sendJob(sendMailJob, payload, { singletonKey: mailKey(payload) });
  },
  retryLimit: 5,
  retryDelaySeconds: 30,
  retryDelayMaxSeconds: 600,
  timeoutSeconds: 60,
  concurrency: 1,
  schedule: '0 * * * *',
  policy: 'stately',
});
