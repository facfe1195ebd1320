import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '@/lib/database';
import { resetEnv } from '@/lib/env';
import { attachments, blobs, users } from '@/db/schema';
import { signToken } from '@/lib/signed-token';
import { makePdf, makePdfWithAwkwardChecksum } from '../fixtures/pdf';
import { applyWithResume, createUser, fileRequest, getObject, presign, putObject } from '../support/api';
import { countRows, listStoredFiles } from '../support/state';

const ada = { email: 'ada@example.com', first_name: 'Ada', last_name: 'Lovelace' };

async function uploaded(bytes: Buffer, filename = 'resume.pdf') {
  const upload = await presign(fileRequest(bytes, { filename }));
  const put = await putObject(upload.body.direct_upload.url, upload.body.direct_upload.headers, bytes);
  expect(put.status).toBe(200);
  return upload.body.blob_signed_id as string;
}

describe('POST /api/users', () => {
  it('creates the applicant, attaches the resume and returns a URL serving the same bytes', async () => {
    const pdf = makePdf('Ada Lovelace', 50_000);
    const result = await applyWithResume(pdf, ada, 'Résumé – 履歴書.pdf');

    expect(result.status).toBe(200);
    expect(Object.keys(result.body).sort()).toEqual(['created_at', 'email', 'first_name', 'id', 'last_name', 'resume_url']);
    expect(result.body).toMatchObject(ada);
    expect(result.body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Date(result.body.created_at).getTime()).toBeGreaterThan(Date.now() - 60_000);

    const download = await getObject(result.body.resume_url);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('application/pdf');
    expect(download.headers.get('x-content-type-options')).toBe('nosniff');
    expect(download.headers.get('cache-control')).toBe('private, no-store');
    expect(download.headers.get('content-disposition')).toBe(
      `inline; filename="Resume _ ___.pdf"; filename*=UTF-8''${encodeURIComponent('Résumé – 履歴書.pdf')}`,
    );
    expect(Buffer.from(await download.arrayBuffer()).equals(pdf)).toBe(true);

    const db = await getDb();
    const [attachment] = await db.select().from(attachments);
    expect(attachment).toMatchObject({ name: 'resume', recordType: 'User', recordId: result.body.id });
    const [blob] = await db.select().from(blobs);
    expect(blob?.state).toBe('attached');
    expect(attachment?.blobId).toBe(blob?.id);
  });

  it('carries a checksum containing + and / through every step', async () => {
    const { pdf, checksum } = makePdfWithAwkwardChecksum();
    const upload = await presign(fileRequest(pdf));
    expect(upload.body.direct_upload.headers['Content-MD5']).toBe(checksum);
    const db = await getDb();
    expect((await db.select().from(blobs))[0]?.checksum).toBe(checksum);
    expect((await putObject(upload.body.direct_upload.url, upload.body.direct_upload.headers, pdf)).status).toBe(200);
    expect((await createUser({ ...ada, pdf: upload.body.blob_signed_id })).status).toBe(200);
  });

  it('requires the resume: without pdf, 422 resume_required and nothing written', async () => {
    const result = await createUser(ada);
    expect(result.status).toBe(422);
    expect(result.body.error).toEqual({ code: 'resume_required', message: 'Attach your resume (PDF or Word) to apply.', fields: { pdf: 'Attach your resume (PDF or Word).' } });
    expect(await countRows()).toEqual({ users: 0, blobs: 0, attachments: 0 });
  });

  it('allows an application without a resume with RESUME_REQUIRED=false, as the tutorial API does', async () => {
    process.env.RESUME_REQUIRED = 'false';
    resetEnv();
    try {
      const result = await createUser(ada);
      expect(result.status).toBe(200);
      expect(result.body.resume_url).toBeNull();
      expect(await countRows()).toEqual({ users: 1, blobs: 0, attachments: 0 });
    } finally {
      delete process.env.RESUME_REQUIRED;
      resetEnv();
    }
  });

  it('answers 422 when the file was never uploaded, and the same token works once it is', async () => {
    const pdf = makePdf();
    const upload = await presign(fileRequest(pdf));
    const early = await createUser({ ...ada, pdf: upload.body.blob_signed_id });
    expect(early.status).toBe(422);
    expect(early.body.error.code).toBe('upload_incomplete');
    expect(await countRows()).toEqual({ users: 0, blobs: 1, attachments: 0 });

    await putObject(upload.body.direct_upload.url, upload.body.direct_upload.headers, pdf);
    expect((await createUser({ ...ada, pdf: upload.body.blob_signed_id })).status).toBe(200);
  });

  it('refuses a file that is not a PDF and removes its blob and object', async () => {
    const html = Buffer.from('<html><script>alert(1)</script></html>');
    const signedId = await uploaded(html, 'resume.pdf');
    expect(await listStoredFiles()).toHaveLength(1);

    const result = await createUser({ ...ada, pdf: signedId });
    expect(result.status).toBe(422);
    expect(result.body.error).toMatchObject({ code: 'not_a_pdf', fields: { pdf: 'This file is not a PDF.' } });
    expect(await countRows()).toEqual({ users: 0, blobs: 0, attachments: 0 });
    expect(await listStoredFiles()).toEqual([]);
  });

  it('refuses a second application with the same email, whatever its case (409)', async () => {
    expect((await applyWithResume(makePdf(), ada)).status).toBe(200);
    const second = await applyWithResume(makePdf('Other'), { ...ada, email: 'ADA@Example.COM' });
    expect(second.status).toBe(409);
    expect(second.body.error).toMatchObject({ code: 'email_taken', fields: { email: 'This email address has already applied.' } });
    expect(await countRows()).toMatchObject({ users: 1, attachments: 1 });
  });

  it('attaches a blob at most once (409 for a used token)', async () => {
    const signedId = await uploaded(makePdf());
    expect((await createUser({ ...ada, pdf: signedId })).status).toBe(200);
    const reuse = await createUser({ ...ada, email: 'grace@example.com', pdf: signedId });
    expect(reuse.status).toBe(409);
    expect(reuse.body.error.code).toBe('blob_already_attached');
    expect(await countRows()).toEqual({ users: 1, blobs: 1, attachments: 1 });
  });

  it('lets exactly one of 20 parallel requests with the same token win', async () => {
    const signedId = await uploaded(makePdf());
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, index) => createUser({ ...ada, email: `person${index}@example.com`, pdf: signedId })),
    );
    const statuses = results.map((result) => result.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect(statuses.filter((status) => status === 409)).toHaveLength(19);
    expect(await countRows()).toEqual({ users: 1, blobs: 1, attachments: 1 });
  });

  it.each([
    ['forged', async () => `${(await uploaded(makePdf())).slice(0, -4)}AAAA`, 'invalid_blob_token'],
    ['truncated', async () => (await uploaded(makePdf())).split('.').slice(0, 2).join('.'), 'invalid_blob_token'],
    ['for another purpose', async () => signToken('disk_download', { sub: '00000000-0000-0000-0000-000000000000' }, 60), 'invalid_blob_token'],
    ['expired', async () => signToken('blob_id', { sub: '00000000-0000-0000-0000-000000000000' }, -5), 'blob_token_expired'],
  ])('refuses a %s token with 422 and writes no user', async (_case, makeToken, code) => {
    const result = await createUser({ ...ada, pdf: await makeToken() });
    expect(result.status).toBe(422);
    expect(result.body.error.code).toBe(code);
    expect(result.body.error.fields.pdf).toBeTruthy();
    expect((await countRows()).users).toBe(0);
  });

  it.each([
    ['an invalid email', { ...ada, email: 'not-an-email' }, 'email'],
    ['an empty first name', { ...ada, first_name: '   ' }, 'first_name'],
    ['an over-long last name', { ...ada, last_name: 'x'.repeat(101) }, 'last_name'],
    ['control characters', { ...ada, first_name: 'Ada\u0007' }, 'first_name'],
    ['a missing email', { first_name: 'Ada', last_name: 'Lovelace' }, 'email'],
  ])('refuses %s with 422 and names the field', async (_case, body, field) => {
    const result = await createUser(body);
    expect(result.status).toBe(422);
    expect(result.body.error.code).toBe('validation_failed');
    expect(result.body.error.fields[field]).toEqual(expect.any(String));
    expect(await countRows()).toEqual({ users: 0, blobs: 0, attachments: 0 });
  });

  it('answers 400 for a body that is not JSON', async () => {
    const result = await createUser('{"email":');
    expect(result.status).toBe(400);
    expect(result.body.error.code).toBe('malformed_json');
  });

  it('trims names and emails before storing them', async () => {
    const result = await applyWithResume(makePdf(), { email: '  ada@example.com ', first_name: ' Ada ', last_name: 'Lovelace  ' });
    expect(result.status).toBe(200);
    const db = await getDb();
    const [user] = await db.select().from(users).where(eq(users.id, result.body.id));
    expect(user).toMatchObject({ email: 'ada@example.com', firstName: 'Ada', lastName: 'Lovelace' });
  });
});
