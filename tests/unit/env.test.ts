import { describe, expect, it } from 'vitest';
import { assertProductionReady, parseEnv } from '@/lib/env';

const secret = 'x'.repeat(48);
const production = { NODE_ENV: 'production', APP_URL: 'https://apply.example', TRUSTED_PROXY_HOPS: '1' };

describe('configuration', () => {
  it('runs with zero configuration: PGlite and the disk service', () => {
    const env = parseEnv({});
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env).toMatchObject({
      PGLITE_DIR: '.data/pglite',
      STORAGE_SERVICE: 'disk',
      STORAGE_ROOT: '.data/storage',
      MAX_UPLOAD_BYTES: 10 * 1024 * 1024,
      UPLOAD_URL_EXPIRES_IN: 300,
      DOWNLOAD_URL_EXPIRES_IN: 300,
      BLOB_TOKEN_EXPIRES_IN: 3600,
    });
    // Sized from the storage when unset (lib/blobs/pending-uploads.ts), never a fixed 1 GiB.
    expect(env.PENDING_UPLOAD_BYTES_TOTAL).toBeUndefined();
  });

  it('chooses S3 when a bucket is configured, and reads the S3 settings', () => {
    const env = parseEnv({ S3_BUCKET: 'resumes', S3_ENDPOINT: 'http://127.0.0.1:7480', S3_FORCE_PATH_STYLE: 'true' });
    expect(env).toMatchObject({ STORAGE_SERVICE: 's3', S3_FORCE_PATH_STYLE: true });
  });

  it('reads the mail settings: SMTP, the sender, the recruiters and the defaults', () => {
    expect(parseEnv({})).toMatchObject({ RECRUITER_EMAILS: [], RECRUITER_NOTICE: 'each', ORG_NAME: 'Resume Drop', RESUME_REQUIRED: true, MAIL_DIR: '.data/mail' });
    const env = parseEnv({
      SMTP_URL: 'smtps://user:p%40ss@smtp.example:465',
      MAIL_FROM: 'Hiring at "Acme, Inc." <jobs@bücher.example>',
      RECRUITER_EMAILS: ' a@example.com,b+x@example.com ,',
      RESUME_REQUIRED: 'false',
    });
    expect(env).toMatchObject({ RECRUITER_EMAILS: ['a@example.com', 'b+x@example.com'], RESUME_REQUIRED: false });
  });

  it('accepts PDF and Word resumes by default; RESUME_TYPES narrows them', () => {
    expect(parseEnv({}).RESUME_TYPES).toEqual(['pdf', 'docx']);
    expect(parseEnv({ RESUME_TYPES: '' }).RESUME_TYPES).toEqual(['pdf', 'docx']);
    expect(parseEnv({ RESUME_TYPES: 'pdf' }).RESUME_TYPES).toEqual(['pdf']);
    expect(parseEnv({ RESUME_TYPES: ' DOCX , pdf,docx' }).RESUME_TYPES).toEqual(['docx', 'pdf']);
  });

  it('splits ALLOWED_ORIGINS and falls back to APP_URL', () => {
    expect(parseEnv({ ALLOWED_ORIGINS: 'https://a.example, https://b.example' }).ALLOWED_ORIGINS).toEqual(['https://a.example', 'https://b.example']);
    expect(parseEnv({ APP_URL: 'https://apply.example' }).ALLOWED_ORIGINS).toEqual(['https://apply.example']);
  });

  it.each([
    [{ STORAGE_SERVICE: 's3' }, /S3_BUCKET: is required/],
    [{ BLOB_TOKEN_SECRET: 'short' }, /BLOB_TOKEN_SECRET: must be at least 32 bytes/],
    [{ MAX_UPLOAD_BYTES: 'lots' }, /MAX_UPLOAD_BYTES/],
    [{ DATABASE_URL: 'not a url' }, /DATABASE_URL/],
    [{ STORAGE_SERVICE: 'ftp' }, /STORAGE_SERVICE/],
    [{ PENDING_UPLOAD_BYTES_PER_CLIENT: '1000' }, /PENDING_UPLOAD_BYTES_PER_CLIENT: must be 0 \(no ceiling\) or at least MAX_UPLOAD_BYTES/],
    [{ MAX_UPLOAD_BYTES: '2000000000', PENDING_UPLOAD_BYTES_TOTAL: '1073741824' }, /PENDING_UPLOAD_BYTES_TOTAL: must be 0/],
    [{ SMTP_URL: 'https://mail.example' }, /SMTP_URL: must start with smtp:\/\/ \(STARTTLS\) or smtps:\/\/ \(TLS\)/],
    [{ SMTP_URL: 'smtp://mail.example:587' }, /MAIL_FROM: is required with SMTP_URL/],
    [{ MAIL_FROM: 'Acme <not an address>' }, /MAIL_FROM: must be an address/],
    [{ RECRUITER_EMAILS: 'a@example.com, nope' }, /RECRUITER_EMAILS: is not a comma-separated list of addresses: "nope"/],
    [{ RECRUITER_NOTICE: 'daily' }, /RECRUITER_NOTICE/],
    [{ RECRUITER_NOTICE: 'hourly' }, /RECRUITER_NOTICE: hourly needs APP_URL/],
    [{ RESUME_REQUIRED: 'maybe' }, /RESUME_REQUIRED/],
    [{ RESUME_TYPES: 'pdf,doc' }, /RESUME_TYPES: must be a comma-separated list of pdf, docx \(got "pdf,doc"\)/],
    [{ RESUME_TYPES: ' , ' }, /RESUME_TYPES: must be a comma-separated list/],
  ])('refuses %j with a message naming the variable', (source, message) => {
    expect(() => parseEnv(source)).toThrow(message);
  });

  it('refuses to start in production without BLOB_TOKEN_SECRET', () => {
    expect(() => assertProductionReady(parseEnv({ NODE_ENV: 'production' }))).toThrow(/BLOB_TOKEN_SECRET is required/);
    expect(() => assertProductionReady(parseEnv({ ...production, BLOB_TOKEN_SECRET: secret }))).not.toThrow();
  });

  it('refuses to start in production without APP_URL: links are never built from the Host header', () => {
    const { APP_URL: _omitted, ...rest } = production;
    expect(() => assertProductionReady(parseEnv({ ...rest, BLOB_TOKEN_SECRET: secret }))).toThrow(/APP_URL is required in production/);
    expect(() => parseEnv({ APP_URL: 'ftp://apply.example' })).toThrow(/APP_URL: must be an http or https origin/);
  });

  it('refuses an ADMIN_PASSWORD under 16 characters, naming it', () => {
    expect(() => parseEnv({ ...production, BLOB_TOKEN_SECRET: secret, ADMIN_PASSWORD: 'hunter2hunter2' })).toThrow(/ADMIN_PASSWORD: must be at least 16 characters/);
    expect(parseEnv({ ADMIN_PASSWORD: 'sixteen-chars-ok' }).ADMIN_PASSWORD).toBe('sixteen-chars-ok');
  });

  it('knows the trusted proxy hops: 1 on Heroku and Vercel, else required in production', () => {
    const { TRUSTED_PROXY_HOPS: _omitted, ...rest } = production;
    const bare = { ...rest, BLOB_TOKEN_SECRET: secret };
    expect(() => assertProductionReady(parseEnv(bare))).toThrow(/TRUSTED_PROXY_HOPS is required in production outside Heroku and Vercel: the number of proxies/);
    expect(parseEnv({ ...bare, DYNO: 'web.1' }).TRUSTED_PROXY_HOPS).toBe(1);
    expect(parseEnv({ ...bare, VERCEL: '1' }).TRUSTED_PROXY_HOPS).toBe(1);
    expect(parseEnv({ ...bare, DYNO: 'web.1', TRUSTED_PROXY_HOPS: '2' }).TRUSTED_PROXY_HOPS).toBe(2);
    expect(parseEnv({ ...bare, TRUSTED_PROXY_HOPS: '0' }).TRUSTED_PROXY_HOPS).toBe(0);
    expect(() => assertProductionReady(parseEnv({ ...bare, DYNO: 'web.1' }))).not.toThrow();
    expect(parseEnv({}).TRUSTED_PROXY_HOPS).toBe(1);
  });

  it('refuses PGlite and the disk service on Vercel', () => {
    const env = parseEnv({ ...production, BLOB_TOKEN_SECRET: secret, VERCEL: '1' });
    expect(() => assertProductionReady(env)).toThrow(/DATABASE_URL is required on Vercel[\s\S]*disk storage service cannot run on Vercel/);
    const ready = parseEnv({
      ...production,
      BLOB_TOKEN_SECRET: secret,
      VERCEL: '1',
      DATABASE_URL: 'postgres://u@db.example/app',
      S3_BUCKET: 'resumes',
    });
    expect(() => assertProductionReady(ready)).not.toThrow();
  });
});

describe('where jobs run (JOBS_IN_PROCESS, JOBS_KICK)', () => {
  const vercel = { ...production, BLOB_TOKEN_SECRET: secret, VERCEL: '1', DATABASE_URL: 'postgres://u@db.example/app', S3_BUCKET: 'resumes' };

  it('in the web process by default; on Vercel, in the jobs route, kicked after each send', () => {
    expect(parseEnv({})).toMatchObject({ JOBS_IN_PROCESS: true, JOBS_KICK: false });
    expect(parseEnv({ DYNO: 'web.1' })).toMatchObject({ JOBS_IN_PROCESS: true, JOBS_KICK: false });
    expect(parseEnv({ DYNO: 'web.1', JOBS_IN_PROCESS: 'false' })).toMatchObject({ JOBS_IN_PROCESS: false, JOBS_KICK: false });
    expect(parseEnv({ VERCEL: '1', APP_URL: 'https://apply.example.com' })).toMatchObject({ JOBS_IN_PROCESS: false, JOBS_KICK: true });
    expect(parseEnv({ JOBS_IN_PROCESS: '' }).JOBS_IN_PROCESS).toBe(true);
    expect(() => parseEnv({ JOBS_IN_PROCESS: 'yes' })).toThrow(/JOBS_IN_PROCESS/);
  });

  it('kicks only APP_URL, never an origin taken from a request', () => {
    expect(() => parseEnv({ JOBS_KICK: 'true' })).toThrow(/JOBS_KICK: needs APP_URL/);
    expect(() => parseEnv({ VERCEL: '1' })).toThrow(/JOBS_KICK: needs APP_URL/);
    expect(parseEnv({ JOBS_KICK: 'true', APP_URL: 'http://127.0.0.1:3000' }).JOBS_KICK).toBe(true);
  });

  it('refuses an in-process worker on Vercel in production: no process outlives a request there', () => {
    expect(() => assertProductionReady(parseEnv(vercel))).not.toThrow();
    expect(() => assertProductionReady(parseEnv({ ...vercel, JOBS_IN_PROCESS: 'true' }))).toThrow(/JOBS_IN_PROCESS=true cannot work on Vercel/);
  });

  it('the analysis ceiling: 20 s by default, configurable up to 50 s', () => {
    expect(parseEnv({}).ANALYSIS_TIMEOUT_MS).toBe(20_000);
    expect(parseEnv({ ANALYSIS_TIMEOUT_MS: '5000' }).ANALYSIS_TIMEOUT_MS).toBe(5000);
    expect(() => parseEnv({ ANALYSIS_TIMEOUT_MS: '60000' })).toThrow(/ANALYSIS_TIMEOUT_MS/);
  });
});

describe('configuration copied from .env.example', () => {
  it('treats empty variables as unset', () => {
    const env = parseEnv({ STORAGE_SERVICE: '', S3_BUCKET: '', DATABASE_URL: ' ', MAX_UPLOAD_BYTES: '', S3_FORCE_PATH_STYLE: '' });
    expect(env).toMatchObject({ STORAGE_SERVICE: 'disk', MAX_UPLOAD_BYTES: 10 * 1024 * 1024, S3_FORCE_PATH_STYLE: false });
    expect(env.DATABASE_URL).toBeUndefined();
  });
});

describe('unattached blob purge age', () => {
  it('defaults to 48 hours and must outlive blob tokens', () => {
    expect(parseEnv({}).UNATTACHED_BLOB_TTL_HOURS).toBe(48);
    expect(() => parseEnv({ UNATTACHED_BLOB_TTL_HOURS: '1', BLOB_TOKEN_EXPIRES_IN: '3600' })).toThrow(/UNATTACHED_BLOB_TTL_HOURS: must be longer than BLOB_TOKEN_EXPIRES_IN/);
  });
});
