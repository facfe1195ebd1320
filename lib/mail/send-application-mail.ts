import 'server-only';
import type { SendMailOptions } from 'nodemailer';
import { getEnv, type Env } from '@/lib/env';
import { publicOrigin } from '@/lib/request-context';
import type { MailPayload } from '@/lib/jobs/send-mail';
import { createApplicationPageUrl } from '@/lib/users/confirmation-link';
import { applicantConfirmation } from './applicant-confirmation';
import { findApplicationForMail, findApplicationsBetween } from './find-applications';
import type { MessageContent } from './layout';
import { recruiterDigest } from './recruiter-digest';
import { recruiterNotice } from './recruiter-notice';
import { deliverMail } from './transport';

/** The most applications one digest lists; /admin has them all. */
const digestLimit = 500;

interface Envelope {
  to: SendMailOptions['to'];
  replyTo?: SendMailOptions['replyTo'];
  content: MessageContent;
  /** Unique per message, the same on every attempt: the Message-ID and the .eml file's name. */
  id: string;
}

/**
 * The message of `payload`, or null when there is nothing to say (the applicant is gone, the hour
 * had no applications, no recruiter is configured).
 */
async function composeMessage(payload: MailPayload, env: Env): Promise<Envelope | null> {
  if (payload.kind === 'recruiter-digest') {
    const hour = new Date(payload.hour);
    const applications = await findApplicationsBetween(
      hour,
      new Date(hour.getTime() + 3600_000),
      digestLimit,
    );
    if (applications.length === 0 || env.RECRUITER_EMAILS.length === 0) return null;
    const content = recruiterDigest(
      applications,
      hour,
      publicOrigin(),
      env.ORG_NAME,
    );
    return {
      to: env.RECRUITER_EMAILS,
      content,
      id: `recruiter-digest.${payload.hour.slice(0, 13)}`,
    };
  }
  const application = await findApplicationForMail(payload.userId);
  if (!application) return null;
  const applicant = {
    name: `${application.firstName} ${application.lastName}`,
    address: application.email,
  };
  if (payload.kind === 'applicant-confirmation') {
    const url = await createApplicationPageUrl(payload.origin, application.id);
    return {
      to: applicant,
      content: applicantConfirmation(application, url, env.ORG_NAME),
      id: `${payload.kind}.${application.id}`,
    };
  }
  if (env.RECRUITER_EMAILS.length === 0) return null;
  // A reply goes to the applicant: the hiring team answers from their own mail client.
  return {
    to: env.RECRUITER_EMAILS,
    replyTo: applicant,
    content: recruiterNotice(application, payload.origin, env.ORG_NAME),
    id: `${payload.kind}.${application.id}`,
  };
}

/** The sender: MAIL_FROM, or (writing .eml files) the organisation at an address that goes nowhere. */
function sender(env: Env): { from: SendMailOptions['from']; domain: string } {
  if (!env.MAIL_FROM)
    return { from: { name: env.ORG_NAME, address: 'no-reply@localhost' }, domain: 'localhost' };
  const address = /<([^<>]+)>\s*$/.exec(env.MAIL_FROM)?.[1] ?? env.MAIL_FROM;
  return {
    from: env.MAIL_FROM,
    domain: new URL(`http://${address.slice(address.lastIndexOf('@') + 1).trim()}`).hostname,
  };
}

/**
 * The send-mail job's work: compose the message from the application as it is now and hand it to
 * SMTP (or write it). The Message-ID is the same on every attempt, so a copy that a retry sends
 * after a lost answer is recognisably the same message.
 */
export async function sendApplicationMail(payload: MailPayload): Promise<void> {
  const env = getEnv();
  const envelope = await composeMessage(payload, env);
  if (!envelope) return;
  const { from, domain } = sender(env);
  const message: SendMailOptions = {
    from,
    to: envelope.to,
    ...(envelope.replyTo ? { replyTo: envelope.replyTo } : {}),
    subject: envelope.content.subject,
    text: envelope.content.text,
    html: envelope.content.html,
    messageId: `<${envelope.id}@${domain}>`,
  };
  const delivery = await deliverMail(message, `${envelope.id}.eml`);
  logMail({
    kind: payload.kind,
    message_id: envelope.id,
    ...(delivery.via === 'file' ? { file: delivery.file } : { rejected: delivery.rejected }),
  });
}

function logMail(fields: Record<string, unknown>): void {
  if (process.env.NODE_ENV === 'test') return;
  console.log(
    JSON.stringify({ time: new Date().toISOString(), level: 'info', event: 'mail', ...fields }),
  );
}
