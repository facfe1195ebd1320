import 'server-only';
import { formatBytes } from '@/lib/format-bytes';
import type { ApplicationForMail } from './find-applications';
import { html } from './html';
import { buttonHtml, formatUtcTime, layoutHtml, type MessageContent } from './layout';

/**
 * To the applicant: we have it, with what they sent (the file's name and size), when, and the link
 * to their own application page.
 */
export function applicantConfirmation(
  application: ApplicationForMail,
  applicationUrl: string,
  orgName: string,
): MessageContent {
  const subject = `${orgName}: we received your application`;
  const when = formatUtcTime(application.createdAt);
  const resume = application.filename
    ? `${application.filename} (${formatBytes(application.byteSize ?? 0)})`
    : 'none';
  const text = [
    `Hello ${application.firstName},`,
    '',
    `Thank you for applying to ${orgName}. We received your application on ${when}.`,
    '',
    `Resume: ${resume}`,
    '',
    'See your application:',
    applicationUrl,
    '',
    'This link is yours alone: anyone who has it can see your application. The hiring team will be in touch.',
    '',
    `— ${orgName}`,
    '',
  ].join('\n');
  const body = html`<h1 style="font-size:20px;margin:0 0 16px">We received your application</h1>
    <p>Hello ${application.firstName},</p>
    <p>Thank you for applying to ${orgName}. We received your application on ${when}.</p>
    <p><strong>Resume:</strong> ${resume}</p>
    ${buttonHtml(applicationUrl, 'See your application')}
    <p style="color:#5b636e;font-size:13px">
      This link is yours alone: anyone who has it can see your application. The hiring team will be
      in touch.
    </p>`;
  return { subject, text, html: layoutHtml(subject, orgName, body) };
}
