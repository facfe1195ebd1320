import { inspect } from 'node:util';
import { eq, sql } from 'drizzle-orm';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { resetEnv } from '@/lib/env';
import { getDb } from '@/lib/database';
import { blobs, users } from '@/db/schema';
import { applicantsPerPage, listApplicants } from '@/lib/admin/applicants';
import { applicantSearchSchema, maxListPage } from '@/lib/contract/applicant-search';
import { onRequestError } from '@/instrumentation';
import { purgeUnattachedBlobs } from '@/lib/blobs/purge-unattached';
import { makePdf } from '../fixtures/pdf';
import { createUser, fileRequest, presign, putObject } from '../support/api';
import { countRows } from '../support/state';

// These tests also send applications without a resume: the tutorial's optional `pdf`.
beforeAll(() => {
  process.env.RESUME_REQUIRED = 'false';
  resetEnv();
});

const ada = { email: 'ada@example.com', first_name: 'Ada', last_name: 'Lovelace' };

describe('control characters are refused with the field named, never a 500', () => {
  it.each([
    ['a NUL in a metadata value', { metadata: { a: '\u0000zz' } }, 'file.metadata.a'],
    ['a NUL in a metadata key', { metadata: { ['k\u0000']: 'v' } }, 'file.metadata'],
    ['a lone surrogate in metadata (Postgres refuses it in jsonb)', { metadata: { a: 'x\ud800' } }, 'file.metadata.a'],
    ['an escape in metadata', { metadata: { a: '\u001b[31mred' } }, 'file.metadata.a'],
    ['a NUL in the file name', { filename: 'resume\u0000.pdf' }, 'file.filename'],
    ['a newline in the content type', { content_type: 'application/pdf\n' }, 'file.content_type'],
  ])('POST /api/direct-uploads: %s is 400', async (_case, overrides, field) => {
    const result = await presign(fileRequest(makePdf(), overrides));
    expect(result.status).toBe(400);
    expect(result.body.error.code).toBe('invalid_request');
    expect(result.body.error.fields).toEqual({ [field]: expect.stringContaining('control characters') });
    expect(await countRows()).toEqual({ users: 0, blobs: 0, attachments: 0 });
  });

  it.each([
    ['a NUL in the first name', { ...ada, first_name: 'A\u0000da' }, 'first_name'],
    ['a NUL in the last name', { ...ada, last_name: 'Love\u0000lace' }, 'last_name'],
    ['a lone surrogate in a name', { ...ada, last_name: 'Love\udc00lace' }, 'last_name'],
    ['a NUL in the email', { ...ada, email: 'ada\u0000@example.com' }, 'email'],
    ['a NUL in the blob token', { ...ada, pdf: 'eyJ\u0000' }, 'pdf'],
  ])('POST /api/users: %s is 422', async (_case, body, field) => {
    const result = await createUser(body);
    expect(result.status).toBe(422);
    expect(Object.keys(result.body.error.fields)).toContain(field);
    expect((await countRows()).users).toBe(0);
  });

  it('ignores control characters in the recruiter search rather than failing the page', async () => {
    expect((await createUser(ada)).status).toBe(200);
    expect((await listApplicants('\u0000ada\ud800', 1)).rows.map((row) => row.email)).toEqual(['ada@example.com']);
  });
});

describe('invisible format characters are removed from names and file names', () => {
  it('stores names without bidirectional overrides or zero-width characters', async () => {
    const result = await createUser({ ...ada, first_name: 'A\u200Bda\u2060', last_name: '\u202ELove\uFEFFlace' });
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ first_name: 'Ada', last_name: 'Lovelace' });
    const db = await getDb();
    expect((await db.select().from(users).where(eq(users.id, result.body.id)))[0]).toMatchObject({ firstName: 'Ada', lastName: 'Lovelace' });
  });

  it('refuses a name made only of format characters as missing', async () => {
    const result = await createUser({ ...ada, last_name: '\u202E\u200B' });
    expect(result.status).toBe(422);
    expect(result.body.error.fields.last_name).toBe('Last name is required');
  });

  it('stores file names without them, so a name cannot pose as another type', async () => {
    const result = await presign(fileRequest(makePdf(), { filename: 'cv\u202Eexe.pdf' }));
    expect(result.status).toBe(200);
    const zeroWidth = await presign(fileRequest(makePdf(), { filename: 'Re\u200Bsu\u200Dme\u00AD.pdf' }));
    expect(zeroWidth.status).toBe(200);
    const db = await getDb();
    expect((await db.select({ filename: blobs.filename }).from(blobs)).map((row) => row.filename).sort()).toEqual(['Resume.pdf', 'cvexe.pdf']);
  });
});

describe('unexpected errors are logged without personal data', () => {
  afterEach(async () => {
    vi.restoreAllMocks();
    const db = await getDb();
    await db.execute(sql`DROP TRIGGER IF EXISTS users_fail ON users`);
  });

  it('logs a failed users insert with class, code and stack, but no email, name, token or SQL parameter', async () => {
    const db = await getDb();
    await db.execute(sql`CREATE OR REPLACE FUNCTION fail_insert() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'forced failure' USING ERRCODE = 'XX001'; END $$`);
    await db.execute(sql`CREATE TRIGGER users_fail BEFORE INSERT ON users FOR EACH ROW EXECUTE FUNCTION fail_insert()`);
    const pdf = makePdf();
    const upload = await presign(fileRequest(pdf));
    await putObject(upload.body.direct_upload.url, upload.body.direct_upload.headers, pdf);
    const lines: string[] = [];
    for (const method of ['error', 'warn', 'log', 'info', 'debug'] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        lines.push(args.map((arg) => (typeof arg === 'string' ? arg : inspect(arg, { depth: 10 }))).join(' '));
      });
    }

    const token = upload.body.blob_signed_id as string;
    const result = await createUser({ email: 'secret.person@example.com', first_name: 'Qxhiddenfirst', last_name: 'Qxhiddenlast', pdf: token });
    expect(result.status).toBe(500);
    expect(result.body.error.code).toBe('internal_error');

    const log = lines.join('\n');
    expect(log).not.toContain('secret.person');
    expect(log).not.toContain('Qxhiddenfirst');
    expect(log).not.toContain('Qxhiddenlast');
    expect(log).not.toContain(token.slice(-20));
    expect(log).not.toContain('params');
    const entry = JSON.parse(lines.find((line) => line.includes('unexpected_error'))!);
    expect(entry).toMatchObject({ level: 'error', method: 'POST', route: '/api/users' });
    expect(entry.errors.map((link: { class: string }) => link.class)).toContain('DrizzleQueryError');
    expect(entry.errors.some((link: { code?: string }) => link.code === 'XX001')).toBe(true);
    expect(entry.stack.length).toBeGreaterThan(0);
    expect(await countRows()).toEqual({ users: 0, blobs: 1, attachments: 0 });
  });
});

describe('errors that reach Next.js (pages, server components) are logged without SQL parameters', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  });

  it('onRequestError writes one line without message, then withholds the messages Next.js logs next', async () => {
    const db = await getDb();
    // A database error whose message, and its cause's, quote the parameter: a recruiter's search.
    const error = await db.execute(sql`select ${'qxsecret@example.com'}::int`).then(
      () => null,
      (failure: unknown) => failure as Error & { digest?: string },
    );
    expect(error).not.toBeNull();
    expect(inspect(error, { depth: 10 })).toContain('qxsecret@example.com');
    error!.digest = '1234567';
    const lines: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
      lines.push(args.map((arg) => (typeof arg === 'string' ? arg : inspect(arg, { depth: 10 }))).join(' '));
    });
    vi.stubEnv('NEXT_RUNTIME', 'nodejs');

    await onRequestError(error, { path: '/admin?q=qxsecret%40example.com', method: 'GET', headers: {} }, {
      routerKind: 'App Router',
      routePath: '/admin',
      routeType: 'render',
      renderSource: 'react-server-components',
      revalidateReason: undefined,
    });
    // What Next.js's own log line prints right after: util.inspect of the same error.
    console.error('⨯', error);

    const log = lines.join('\n');
    expect(log).not.toContain('qxsecret');
    expect(log).not.toContain('params');
    const entry = JSON.parse(lines[0]!);
    expect(entry).toMatchObject({ event: 'unexpected_error', method: 'GET', route: '/admin', route_type: 'render' });
    expect(entry.errors.map((link: { class: string }) => link.class)).toContain('DrizzleQueryError');
    // 22P02: invalid text representation; the codes, stack frames and Next.js's digest stay.
    expect(entry.errors.some((link: { code?: string }) => link.code === '22P02')).toBe(true);
    expect(error!.digest).toBe('1234567');
    expect(error!.stack).toMatch(/\n\s+at /);
  });

  it('clamps the recruiter list parameters (a page too large, a term given twice) instead of failing the query', async () => {
    const huge = applicantSearchSchema.parse({ page: '99999999999999999999', q: ['ada', 'bob'] });
    expect(huge).toEqual({ page: maxListPage, q: 'ada' });
    expect(await listApplicants(huge.q, huge.page)).toMatchObject({ rows: [], total: 0 });
    expect(applicantSearchSchema.parse({})).toEqual({ q: '', page: 1 });
    expect(applicantSearchSchema.parse({ page: ['2', '3'], q: 'x'.repeat(500) })).toEqual({ page: 2, q: 'x'.repeat(200) });
    for (const page of ['abc', '-4', '0', '1.5e400', 'Infinity']) {
      expect(applicantSearchSchema.parse({ page }).page).toBeGreaterThanOrEqual(1);
    }
    expect(applicantsPerPage * maxListPage).toBeLessThan(Number.MAX_SAFE_INTEGER);
    // What the page did before: the raw number is a database error (its message has the parameters).
    await expect(listApplicants('', 99999999999999999999)).rejects.toThrow();
  });
});

describe('the purge logs failures without SQL', () => {
  afterEach(async () => {
    vi.restoreAllMocks();
    const db = await getDb();
    await db.execute(sql`DROP TRIGGER IF EXISTS blobs_fail ON blobs`);
  });

  it('names the error classes and codes, not the failed statement and its parameters', async () => {
    const pdf = makePdf();
    const upload = await presign(fileRequest(pdf));
    await putObject(upload.body.direct_upload.url, upload.body.direct_upload.headers, pdf);
    const db = await getDb();
    await db.execute(sql`update blobs set created_at = now() - interval '30 minutes'`);
    await db.execute(sql`CREATE OR REPLACE FUNCTION fail_update() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'forced failure' USING ERRCODE = 'XX002'; END $$`);
    await db.execute(sql`CREATE TRIGGER blobs_fail BEFORE UPDATE ON blobs FOR EACH ROW EXECUTE FUNCTION fail_update()`);
    const lines: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void lines.push(args.join(' ')));

    expect(await purgeUnattachedBlobs()).toMatchObject({ failed: 1 });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^purge: could not check blob [\w-]+: DrizzleQueryError > \w+ \(XX002\)$/);
  });
});
