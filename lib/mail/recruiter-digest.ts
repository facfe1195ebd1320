import 'server-only';
import type { ApplicationForMail } from './find-applications';
import { html } from './html';
import { buttonHtml, formatUtcTime, layoutHtml, type MessageContent } from './layout';
import { adminUrlOf } from './recruiter-notice';

/** To the hiring team, hourly (RECRUITER_NOTICE=hourly): the hour's applications in one message. */
export function recruiterDigest(
  applications: ApplicationForMail[],
  hour: Date,
  origin: string,
  orgName: string,
): MessageContent {
  const count =
    applications.length === 1 ? '1 new application' : `${applications.length} new applications`;
  const subject = `${orgName}: ${count}`;
  const since = formatUtcTime(hour);
  const lines = applications.map(
    (application) =>
      `- ${application.firstName} ${application.lastName} <${application.email}>, ${application.filename ?? 'no resume'}: ${adminUrlOf(origin, application.email)}`,
  );
  const text = [
    `${count} to ${orgName} in the hour from ${since}:`,
    '',
    ...lines,
    '',
    'All applicants:',
    `${origin}/admin`,
    '',
  ].join('\n');
  const body = html`<h1 style="font-size:20px;margin:0 0 16px">${count}</h1>
    <p>In the hour from ${since}:</p>
    <ul>
      ${applications.map(
        (application) =>
          html`<li>
            <a href="${adminUrlOf(origin, application.email)}"
              >${application.firstName} ${application.lastName}</a
            >
            &lt;${application.email}&gt;, ${application.filename ?? 'no resume'}
          </li>`,
      )}
    </ul>
    ${buttonHtml(`${origin}/admin`, 'Open /admin')}`;
  return { subject, text, html: layoutHtml(subject, orgName, body) };
}
