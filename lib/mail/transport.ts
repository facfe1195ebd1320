import 'server-only';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import { getEnv, type Env } from '@/lib/env';
import { mailMode } from './mode';
import { deliveryFailure } from './smtp-failure';

/** Hosts plain SMTP may reach: without TLS, nothing may leave the machine. */
const localHosts = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * nodemailer's settings for SMTP_URL: `smtps://` is TLS from the first byte; `smtp://` must
 * upgrade with STARTTLS, but to this machine (a local relay, the test server). Timeouts short
 * enough that a silent server fails the attempt and the job retries, rather than holding it.
 */
export async function smtpOptions(env: Env): Promise<SMTPTransport.Options> {
  if (!env.SMTP_URL) throw new Error('SMTP_URL is not set');
  const url = new URL(env.SMTP_URL);
  const implicitTls = url.protocol === 'smtps:';
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port ? Number(url.port) : implicitTls ? 465 : 587,
    secure: implicitTls,
    requireTLS: !implicitTls && !localHosts.has(url.hostname),
    ...(url.username
      ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } }
      : {}),
    ...(env.SMTP_CA_FILE ? { tls: { ca: await readFile(env.SMTP_CA_FILE) } } : {}),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  };
}

let smtp: { env: Env; transport: Promise<Transporter<SMTPTransport.SentMessageInfo>> } | undefined;

/** One transport per configuration (tests change it between cases). */
function smtpTransport(env: Env) {
  if (smtp?.env !== env)
    smtp = {
      env,
      transport: smtpOptions(env).then((options) => nodemailer.createTransport(options)),
    };
  return smtp.transport;
}

/** Where a message went: the SMTP server (and the recipients it refused), or a file. */
export type Delivery = { via: 'smtp'; rejected: number } | { via: 'file'; file: string };

/**
 * Sends `message` over SMTP, or writes it as an .eml file named `fileName` under MAIL_DIR (the same
 * name each time, so a retried job rewrites its file rather than adding one).
 */
export async function deliverMail(message: SendMailOptions, fileName: string): Promise<Delivery> {
  const env = getEnv();
  const mode = mailMode(env);
  if (mode === 'off') throw new Error('Mail is off: SMTP_URL is not set in production');
  if (mode === 'smtp') {
    const transport = await smtpTransport(env);
    try {
      const info = await transport.sendMail(message);
      return { via: 'smtp', rejected: info.rejected.length };
    } catch (error) {
      throw deliveryFailure(error);
    }
  }
  const composed = await nodemailer
    .createTransport({ streamTransport: true, buffer: true })
    .sendMail(message);
  const file = path.join(env.MAIL_DIR, fileName);
  await mkdir(env.MAIL_DIR, { recursive: true });
  await writeFile(file, composed.message as Buffer);
  return { via: 'file', file };
}
