import 'server-only';
import { getEnv } from '@/lib/env';
import { sendMailJob, mailKey, type MailPayload } from '@/lib/jobs/send-mail';
import { sendJobs, type SendJobOptions } from '@/lib/jobs/send-job';
import { publicOrigin } from '@/lib/request-context';
import { mailMode } from './mode';

/**
 * Queues the emails of a new application in `tx`, the transaction that writes the applicant: the
 * applicant's confirmation and, with RECRUITER_NOTICE=each, the hiring team's notice. Both exist if
 * and only if the applicant does. Nothing is queued when mail is off.
 */
export async function queueApplicationMail(
  tx: NonNullable<SendJobOptions['tx']>,
  userId: string,
): Promise<void> {
  const env = getEnv();
  if (mailMode(env) === 'off') return;
  const origin = publicOrigin();
  const messages: MailPayload[] = [{ kind: 'applicant-confirmation', userId, origin }];
  if (env.RECRUITER_NOTICE === 'each' && env.RECRUITER_EMAILS.length > 0)
    messages.push({ kind: 'recruiter-notice', userId, origin });
  // One statement for both: each round trip in this transaction is paid by every application.
  await sendJobs(sendMailJob, messages, { tx, singletonKey: mailKey });
}
