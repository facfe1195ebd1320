import 'server-only';
import { z } from 'zod';
import { sendApplicationMail } from '@/lib/mail/send-application-mail';
import { defineJob } from './define-job';

export const mailPayload = z.discriminatedUnion('kind', [
  // The origin the application was made at (APP_URL in production): links in the message.
  z.object({ kind: z.literal('applicant-confirmation'), userId: z.uuid(), origin: z.url() }),
  z.object({ kind: z.literal('recruiter-notice'), userId: z.uuid(), origin: z.url() }),
  // The digest of the applications made in the hour that starts at `hour`.
  z.object({ kind: z.literal('recruiter-digest'), hour: z.iso.datetime() }),
]);

export type MailPayload = z.infer<typeof mailPayload>;

/** The messages about one applicant. */
export const applicantMailKinds = ['applicant-confirmation', 'recruiter-notice'] as const;

/** The singleton key of a message about an applicant (erasure deletes those still queued). */
export function applicantMailKey(kind: (typeof applicantMailKinds)[number], userId: string): string {
  return `${kind}:${userId}`;
}

/** The singleton key of a message: one queued and one running per applicant (or hour) and kind. */
export function mailKey(payload: MailPayload): string {
  return payload.kind === 'recruiter-digest' ? `${payload.kind}:${payload.hour}` : applicantMailKey(payload.kind, payload.userId);
}

/**
 * Sends one email. The payload holds ids, never addresses or names (it is stored, and kept 30 days
 * when dead-lettered): the handler reads the application when it runs. SMTP down or slow: retried
 * 4-8 s later, then twice as long each time up to an hour apart, for about 24 hours in all; a
 * recipient refused for good is dead-lettered at once (lib/mail/smtp-failure.ts).
 */
export const sendMailJob = defineJob({
  name: 'send-mail',
  payload: mailPayload,
  handler: sendApplicationMail,
  retryLimit: 32,
  retryDelaySeconds: 4,
  retryDelayMaxSeconds: 3600,
  timeoutSeconds: 120,
  concurrency: 4,
  policy: 'stately',
});
