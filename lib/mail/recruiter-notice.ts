import 'server-only';
import type { ApplicationForMail } from './find-applications';
import { html } from './html';
import { buttonHtml, formatUtcTime, layoutHtml, type MessageContent } from './layout';

/** The applicant in /admin: the recruiter's list searched for their address. */
export function adminUrlOf(origin: string, email: string): string {
  return `${origin}/admin?${new URLSearchParams({ q: email })}`;
}

/** To the hiring team, one per application (RECRUITER_NOTICE=each): who, their address, the file. */
export function recruiterNotice(
  application: ApplicationForMail,
  origin: string,
  orgName: string,
): MessageContent {
  const name = `${application.firstName} ${application.lastName}`;
  const subject = `${orgName}: new application from ${name}`;
  const link = adminUrlOf(origin, application.email);
  const resume = application.filename ?? 'none';
  const text = [
    `New application to ${orgName}, ${formatUtcTime(application.createdAt)}:`,
    '',
    `Name: ${name}`,
    `Email: ${application.email}`,
    `Resume: ${resume}`,
    '',
    'Open it in /admin:',
    link,
    '',
  ].join('\n');
  const body = html`<h1 style="font-size:20px;margin:0 0 16px">New application</h1>
    <p>${formatUtcTime(application.createdAt)}</p>
    <table style="border-collapse:collapse">
      <tr>
        <th style="text-align:left;padding:4px 12px 4px 0">Name</th>
        <td>${name}</td>
      </tr>
      <tr>
        <th style="text-align:left;padding:4px 12px 4px 0">Email</th>
        <td>${application.email}</td>
      </tr>
      <tr>
        <th style="text-align:left;padding:4px 12px 4px 0">Resume</th>
        <td>${resume}</td>
      </tr>
    </table>
    ${buttonHtml(link, 'Open in /admin')}`;
  return { subject, text, html: layoutHtml(subject, orgName, body) };
}
