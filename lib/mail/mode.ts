import 'server-only';
import type { Env } from '@/lib/env';

/**
 * How this process sends mail: over SMTP (SMTP_URL), as .eml files under MAIL_DIR (development and
 * tests without SMTP_URL, so what would be sent can be opened in a mail client), or not at all
 * (production without SMTP_URL: no files pile up on a server nobody reads).
 */
export type MailMode = 'smtp' | 'files' | 'off';

export function mailMode(env: Env): MailMode {
  if (env.SMTP_URL) return 'smtp';
  return env.NODE_ENV === 'production' ? 'off' : 'files';
}
