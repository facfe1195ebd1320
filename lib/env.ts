import 'server-only';
import { z } from 'zod';
import { isEmailAddress } from '@/lib/contract/applicant-fields';
import { fileTypeNames, isFileTypeName, type FileTypeName } from '@/lib/contract/file-types';

const MIB = 1024 * 1024;

const optionalString = z.string().trim().optional();

const booleanFlag = z
  .enum(['true', 'false', '1', '0'])
  .transform((value) => value === 'true' || value === '1');

/** `Name <address>` or a bare address: what MAIL_FROM takes. */
function isMailbox(value: string): boolean {
  const named = /<([^<>]+)>\s*$/.exec(value);
  return isEmailAddress(named ? named[1]!.trim() : value.trim());
}

const seconds = (fallback: number) => z.coerce.number().int().min(1).max(7 * 24 * 3600).default(fallback);

const schema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    VERCEL: optionalString,
    DYNO: optionalString,
    NEXT_PHASE: optionalString,
    DATABASE_URL: z.url().optional(),
    // The database provider's CA (a PEM file): the server's certificate is verified against it.
    PGSSLROOTCERT: optionalString,
    PGLITE_DIR: optionalString.default('.data/pglite'),
    STORAGE_SERVICE: z.enum(['disk', 's3']).optional(),
    STORAGE_ROOT: optionalString.default('.data/storage'),
    S3_BUCKET: optionalString,
    AWS_REGION: optionalString,
    AWS_ACCESS_KEY_ID: optionalString,
    AWS_SECRET_ACCESS_KEY: optionalString,
    S3_ENDPOINT: z.url().optional(),
    S3_FORCE_PATH_STYLE: booleanFlag.default(false),
    BLOB_TOKEN_SECRET: optionalString,
    BLOB_TOKEN_EXPIRES_IN: seconds(3600),
    RATE_LIMIT_WINDOW_SECONDS: seconds(600),
    RATE_LIMIT_DIRECT_UPLOADS: z.coerce.number().int().min(0).default(20),
    RATE_LIMIT_USERS: z.coerce.number().int().min(0).default(10),
    // PUTs to the disk service's upload route (each may write up to the signed size).
    RATE_LIMIT_DISK_PUTS: z.coerce.number().int().min(0).default(20),
    UNATTACHED_BLOB_TTL_HOURS: z.coerce.number().positive().default(48),
    APP_URL: z.url().optional(),
    ALLOWED_ORIGINS: optionalString,
    MAX_UPLOAD_BYTES: z.coerce.number().int().min(1).default(10 * MIB),
    // The resume types accepted (lib/contract/file-types.ts), comma-separated: `pdf` alone is the first waves' app.
    RESUME_TYPES: z
      .string()
      .default(fileTypeNames.join(','))
      .transform((value, ctx) => {
        const names = [...new Set(value.split(',').map((name) => name.trim().toLowerCase()).filter(Boolean))];
        const unknown = names.filter((name) => !isFileTypeName(name));
        if (unknown.length > 0 || names.length === 0) {
          ctx.addIssue({ code: 'custom', message: `must be a comma-separated list of ${fileTypeNames.join(', ')} (got ${JSON.stringify(value)})` });
          return z.NEVER;
        }
        return names as FileTypeName[];
      }),
    // Bytes presigned but not attached (storage an upload may fill), per client address and in all.
    // The total's default depends on the storage (lib/blobs/pending-uploads.ts): unset here.
    PENDING_UPLOAD_BYTES_PER_CLIENT: z.coerce.number().int().min(0).default(100 * MIB),
    PENDING_UPLOAD_BYTES_TOTAL: z.coerce.number().int().min(0).optional(),
    UPLOAD_URL_EXPIRES_IN: seconds(300),
    DOWNLOAD_URL_EXPIRES_IN: seconds(300),
    CRON_SECRET: optionalString,
    // The longest one resume's analysis may take before it is stopped (and retried).
    ANALYSIS_TIMEOUT_MS: z.coerce.number().int().min(1).max(50_000).default(20_000),
    // Jobs (README, "Background jobs"): a worker in the web process, the default but on Vercel.
    JOBS_IN_PROCESS: booleanFlag.optional(),
    // Ask the app's own jobs route to work the queue after each send: the default on Vercel.
    JOBS_KICK: booleanFlag.optional(),
    // Vercel sets it when Protection Bypass for Automation is on; sent with the call to /api/jobs.
    VERCEL_AUTOMATION_BYPASS_SECRET: optionalString,
    // Recruiter sign-in and client addresses (issue 9): see README, Configuration.
    ADMIN_PASSWORD: optionalString,
    ADMIN_SIGN_IN_FAILURES: z.coerce.number().int().min(1).default(10),
    ADMIN_SIGN_IN_FAILURES_GLOBAL: z.coerce.number().int().min(1).default(100),
    ADMIN_SIGN_IN_WINDOW_SECONDS: seconds(900),
    TRUSTED_PROXY_HOPS: z.coerce.number().int().min(0).max(5).optional(),
    // Personal data (README, "Personal data"): applicants older than this are deleted daily; 0 keeps them.
    RETENTION_DAYS: z.coerce.number().int().min(0).default(180),
    // The audit trail's own retention; its trigger refuses deleting entries younger than 30 days.
    AUDIT_RETENTION_DAYS: z.coerce.number().int().min(30).default(730),
    // The privacy notice linked under the form; unset: the built-in /privacy page.
    PRIVACY_NOTICE_URL: z.url().optional(),
    // Mail (README, "Email"): SMTP_URL unset writes .eml files under MAIL_DIR (off in production).
    SMTP_URL: z
      .url()
      .refine((value) => /^smtps?:$/.test(new URL(value).protocol), 'must start with smtp:// (STARTTLS) or smtps:// (TLS)')
      .optional(),
    SMTP_CA_FILE: optionalString,
    MAIL_FROM: optionalString,
    MAIL_DIR: optionalString.default('.data/mail'),
    RECRUITER_EMAILS: optionalString,
    RECRUITER_NOTICE: z.enum(['each', 'hourly', 'off']).default('each'),
    ORG_NAME: optionalString.default('Resume Drop'),
    RESUME_REQUIRED: booleanFlag.default(true),
  })
  .transform((raw) => ({
    ...raw,
    // Heroku's router and Vercel's edge are one proxy each; elsewhere production must say.
    TRUSTED_PROXY_HOPS: raw.TRUSTED_PROXY_HOPS ?? (raw.DYNO || raw.VERCEL || raw.NODE_ENV !== 'production' ? 1 : undefined),
    STORAGE_SERVICE: raw.STORAGE_SERVICE ?? (raw.S3_BUCKET ? 's3' : 'disk'),
    // On Vercel no process outlives a request: the jobs function works the queue when kicked, and
    // only it ships PDF.js and the canvas (next.config.ts).
    JOBS_IN_PROCESS: raw.JOBS_IN_PROCESS ?? !raw.VERCEL,
    JOBS_KICK: raw.JOBS_KICK ?? Boolean(raw.VERCEL),
    RECRUITER_EMAILS: (raw.RECRUITER_EMAILS ?? '')
      .split(',')
      .map((address) => address.trim())
      .filter(Boolean),
    ALLOWED_ORIGINS: (raw.ALLOWED_ORIGINS ?? raw.APP_URL ?? '')
      .split(',')
      .map((origin) => origin.trim())
      .filter(Boolean),
  }))
  .superRefine((env, ctx) => {
    if (env.STORAGE_SERVICE === 's3' && !env.S3_BUCKET) {
      ctx.addIssue({ code: 'custom', path: ['S3_BUCKET'], message: 'is required when STORAGE_SERVICE=s3' });
    }
    if (env.UNATTACHED_BLOB_TTL_HOURS * 3600 <= env.BLOB_TOKEN_EXPIRES_IN) {
      // Otherwise the purge could delete a blob whose token can still attach it.
      ctx.addIssue({ code: 'custom', path: ['UNATTACHED_BLOB_TTL_HOURS'], message: 'must be longer than BLOB_TOKEN_EXPIRES_IN' });
    }
    for (const name of ['PENDING_UPLOAD_BYTES_PER_CLIENT', 'PENDING_UPLOAD_BYTES_TOTAL'] as const) {
      const ceiling = env[name];
      if (ceiling !== undefined && ceiling !== 0 && ceiling < env.MAX_UPLOAD_BYTES) {
        ctx.addIssue({ code: 'custom', path: [name], message: 'must be 0 (no ceiling) or at least MAX_UPLOAD_BYTES' });
      }
    }
    if (env.BLOB_TOKEN_SECRET && Buffer.byteLength(env.BLOB_TOKEN_SECRET) < 32) {
      ctx.addIssue({ code: 'custom', path: ['BLOB_TOKEN_SECRET'], message: 'must be at least 32 bytes' });
    }
    if (env.ADMIN_PASSWORD && Array.from(env.ADMIN_PASSWORD).length < 16) {
      ctx.addIssue({ code: 'custom', path: ['ADMIN_PASSWORD'], message: 'must be at least 16 characters (e.g. `openssl rand -base64 24`)' });
    }
    if (env.APP_URL && !/^https?:$/.test(new URL(env.APP_URL).protocol)) {
      ctx.addIssue({ code: 'custom', path: ['APP_URL'], message: 'must be an http or https origin' });
    }
    if (env.SMTP_URL && !env.MAIL_FROM) {
      ctx.addIssue({ code: 'custom', path: ['MAIL_FROM'], message: 'is required with SMTP_URL (e.g. "Hiring at Acme <jobs@acme.example>")' });
    }
    if (env.MAIL_FROM && !isMailbox(env.MAIL_FROM)) {
      ctx.addIssue({ code: 'custom', path: ['MAIL_FROM'], message: 'must be an address, optionally with a name: "Hiring at Acme <jobs@acme.example>"' });
    }
    for (const address of env.RECRUITER_EMAILS) {
      if (!isEmailAddress(address)) {
        ctx.addIssue({ code: 'custom', path: ['RECRUITER_EMAILS'], message: `is not a comma-separated list of addresses: ${JSON.stringify(address)}` });
      }
    }
    if (env.RECRUITER_NOTICE === 'hourly' && !env.APP_URL) {
      ctx.addIssue({ code: 'custom', path: ['RECRUITER_NOTICE'], message: 'hourly needs APP_URL: the digest is sent outside any request, and links to /admin' });
    }
    if (env.JOBS_KICK && !env.APP_URL) {
      ctx.addIssue({ code: 'custom', path: ['JOBS_KICK'], message: 'needs APP_URL: the jobs route is called there, never at an origin from a request' });
    }
  });

export type Env = z.infer<typeof schema>;

export class ConfigurationError extends Error {
  override name = 'ConfigurationError';
}

let cached: Env | undefined;

/** Parses the configuration once, on first use, so that `next build` never needs runtime secrets. */
export function getEnv(): Env {
  if (!cached) cached = parseEnv(process.env);
  return cached;
}

/** Forgets the parsed configuration; tests change `process.env` between cases. */
export function resetEnv(): void {
  cached = undefined;
}

export function parseEnv(source: Record<string, string | undefined>): Env {
  // An empty variable (`S3_BUCKET=` copied from .env.example) means "not set".
  const present = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== undefined && value.trim() !== ''));
  const result = schema.safeParse(present);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigurationError(`Invalid configuration:\n${problems.join('\n')}`);
  }
  return result.data;
}

/**
 * The checks a production server must pass before it takes traffic: a real secret, and no
 * local-disk state on hosts whose disk disappears between requests.
 */
export function assertProductionReady(env: Env): void {
  if (env.NODE_ENV !== 'production') return;
  const problems: string[] = [];
  if (!env.BLOB_TOKEN_SECRET) {
    problems.push('BLOB_TOKEN_SECRET is required in production (32 bytes or more, e.g. `openssl rand -base64 48`).');
  }
  if (!env.APP_URL) {
    problems.push('APP_URL is required in production: the public origin (e.g. https://apply.example.com) that links are built from, never the client\'s Host header.');
  }
  if (env.TRUSTED_PROXY_HOPS === undefined) {
    problems.push(
      'TRUSTED_PROXY_HOPS is required in production outside Heroku and Vercel: the number of proxies in front of the app that append to X-Forwarded-For (1 behind one load balancer or nginx; 0 if clients reach `next start` directly, in which case every client shares one rate-limit bucket).',
    );
  }
  if (env.VERCEL) {
    if (!env.DATABASE_URL) problems.push('DATABASE_URL is required on Vercel: PGlite keeps its data on a disk that does not survive.');
    if (env.STORAGE_SERVICE === 'disk') problems.push('The disk storage service cannot run on Vercel: set S3_BUCKET and the AWS_* variables.');
    if (env.JOBS_IN_PROCESS) {
      problems.push('JOBS_IN_PROCESS=true cannot work on Vercel: no process outlives a request there; remove the variable (the jobs route works the queue).');
    }
  }
  if (problems.length > 0) throw new ConfigurationError(`Refusing to start:\n- ${problems.join('\n- ')}`);
}
