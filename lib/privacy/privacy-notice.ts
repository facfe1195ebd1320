import 'server-only';
import { getEnv } from '@/lib/env';

export interface PrivacyNotice {
  /** Where the form links: PRIVACY_NOTICE_URL, or the built-in page. */
  href: string;
  /** How long an application is kept, in words ("180 days"), or null when it is kept until removed. */
  retention: string | null;
  auditRetention: string;
  storage: 'disk' | 's3';
}

function days(count: number): string {
  return count === 1 ? '1 day' : `${count} days`;
}

/** What the privacy notice says, from the configuration, so the page never disagrees with it. */
export function getPrivacyNotice(): PrivacyNotice {
  const env = getEnv();
  return {
    href: env.PRIVACY_NOTICE_URL ?? '/privacy',
    retention: env.RETENTION_DAYS === 0 ? null : days(env.RETENTION_DAYS),
    auditRetention: days(env.AUDIT_RETENTION_DAYS),
    storage: env.STORAGE_SERVICE,
  };
}

/** Logged once at start: keeping applications forever is a choice someone should see. */
export function warnIfKeptForever(): void {
  if (getEnv().RETENTION_DAYS === 0) {
    console.warn(
      'RETENTION_DAYS=0: applications are kept forever. Set the days an application may be kept (README, "Personal data").',
    );
  }
}
