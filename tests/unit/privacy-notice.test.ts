import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseEnv, resetEnv } from '@/lib/env';
import { routePattern } from '@/lib/http/request-log';
import { getPrivacyNotice, warnIfKeptForever } from '@/lib/privacy/privacy-notice';

const names = [
  'RETENTION_DAYS',
  'AUDIT_RETENTION_DAYS',
  'PRIVACY_NOTICE_URL',
  'STORAGE_SERVICE',
  'S3_BUCKET',
] as const;

function configure(values: Partial<Record<(typeof names)[number], string>>) {
  for (const name of names) delete process.env[name];
  Object.assign(process.env, values);
  resetEnv();
}

describe('personal data configuration', () => {
  afterEach(() => {
    configure({});
    vi.restoreAllMocks();
  });

  it('keeps applications 180 days and the audit trail 730 by default; the audit no less than 30', () => {
    expect(parseEnv({})).toMatchObject({ RETENTION_DAYS: 180, AUDIT_RETENTION_DAYS: 730 });
    expect(parseEnv({}).PRIVACY_NOTICE_URL).toBeUndefined();
    expect(parseEnv({ RETENTION_DAYS: '0' }).RETENTION_DAYS).toBe(0);
    expect(() => parseEnv({ RETENTION_DAYS: '-1' })).toThrow(/RETENTION_DAYS/);
    expect(() => parseEnv({ AUDIT_RETENTION_DAYS: '7' })).toThrow(/AUDIT_RETENTION_DAYS/);
    expect(() => parseEnv({ PRIVACY_NOTICE_URL: 'not a url' })).toThrow(/PRIVACY_NOTICE_URL/);
  });

  it('states the configured retention in the privacy notice, and links the configured notice', () => {
    configure({});
    expect(getPrivacyNotice()).toEqual({
      href: '/privacy',
      retention: '180 days',
      auditRetention: '730 days',
      storage: 'disk',
    });
    configure({
      RETENTION_DAYS: '30',
      PRIVACY_NOTICE_URL: 'https://example.com/privacy',
      S3_BUCKET: 'resumes',
    });
    expect(getPrivacyNotice()).toMatchObject({
      href: 'https://example.com/privacy',
      retention: '30 days',
      storage: 's3',
    });
    configure({ RETENTION_DAYS: '0' });
    expect(getPrivacyNotice().retention).toBeNull();
  });

  it('warns at start when applications are kept forever, and only then', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    configure({});
    warnIfKeptForever();
    expect(warn).not.toHaveBeenCalled();
    configure({ RETENTION_DAYS: '0' });
    warnIfKeptForever();
    expect(warn).toHaveBeenCalledWith(
      expect.stringMatching(/^RETENTION_DAYS=0: applications are kept forever/),
    );
  });

  it('never logs the token of an old application link', () => {
    expect(routePattern('/applications/eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl')).toBe(
      '/applications/:token',
    );
  });
});
