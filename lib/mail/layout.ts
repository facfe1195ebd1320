import 'server-only';
import { html, type Html } from './html';

/** What every message is made of: a subject, and one body as plain text and as HTML. */
export interface MessageContent {
  subject: string;
  text: string;
  html: string;
}

/**
 * The HTML part's page: inline styles only (mail clients drop style sheets), one column, and the
 * organisation's name at the foot.
 */
export function layoutHtml(title: string, orgName: string, body: Html): string {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width" />
        <title>${title}</title>
      </head>
      <body
        style="margin:0;padding:24px;background:#f6f7f9;font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;color:#1b1f24;line-height:1.5"
      >
        <div
          style="max-width:560px;margin:0 auto;background:#ffffff;border-radius:8px;padding:24px"
        >
          ${body}
          <p style="margin-top:32px;color:#5b636e;font-size:13px">${orgName}</p>
        </div>
      </body>
    </html> `.markup;
}

export function buttonHtml(href: string, label: string): Html {
  return html`<p>
    <a
      href="${href}"
      style="display:inline-block;background:#1f5fbf;color:#ffffff;text-decoration:none;padding:10px 16px;border-radius:6px"
      >${label}</a
    >
  </p>`;
}

/** 3 December 2026 at 18:25 UTC: every reader sees the same time, named. */
export function formatUtcTime(date: Date): string {
  return `${new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' }).format(date)} UTC`;
}
