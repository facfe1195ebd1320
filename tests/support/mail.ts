import { simpleParser, type ParsedMail } from 'mailparser';
import { resetEnv } from '@/lib/env';
import { startSmtpServer, type SmtpServer } from '@/scripts/harness/smtp.mjs';

export const recruiters = ['hiring@acme.example', 'lead@acme.example'];
export const mailFrom = 'Hiring at Acme <jobs@acme.example>';

/**
 * A real SMTP server (aiosmtpd) and the app's mail settings pointing at it: mail from Acme, notices
 * to two recruiters, one per application.
 */
export async function startMailServer(options: { tls?: boolean } = {}): Promise<SmtpServer> {
  const server = await startSmtpServer(options);
  Object.assign(process.env, {
    SMTP_URL: server.url,
    MAIL_FROM: mailFrom,
    RECRUITER_EMAILS: recruiters.join(', '),
    RECRUITER_NOTICE: 'each',
    ORG_NAME: 'Acme',
  });
  if (server.caFile) process.env.SMTP_CA_FILE = server.caFile;
  resetEnv();
  return server;
}

export interface ReceivedMail extends ParsedMail {
  /** The addresses the server was given in RCPT TO (aiosmtpd's X-RcptTo). */
  rcptTo: string[];
  raw: string;
}

/** Every message the server holds, parsed. */
export async function receivedMail(server: SmtpServer): Promise<ReceivedMail[]> {
  return Promise.all(
    server.messages().map(async (bytes) => {
      const parsed = await simpleParser(bytes);
      const rcpt = String(parsed.headers.get('x-rcptto') ?? '');
      return Object.assign(parsed, {
        rcptTo: rcpt
          .split(',')
          .map((address) => address.trim())
          .filter(Boolean),
        raw: bytes.toString('utf8'),
      });
    }),
  );
}

/** Waits until `count` messages have arrived (or `timeoutMs` passed) and returns them. */
export async function waitForMail(
  server: SmtpServer,
  count: number,
  timeoutMs: number,
): Promise<ReceivedMail[]> {
  const deadline = Date.now() + timeoutMs;
  while (server.messages().length < count && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 100));
  return receivedMail(server);
}

export function mailTo(messages: ReceivedMail[], address: string): ReceivedMail[] {
  return messages.filter((message) => message.rcptTo.includes(address));
}
