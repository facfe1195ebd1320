import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '@/lib/database';
import { blobs } from '@/db/schema';
import { verifyBlobToken } from '@/lib/blobs/blob-token';
import { makePdf } from '../fixtures/pdf';
import { fileRequest, md5, presign } from '../support/api';
import { countRows } from '../support/state';

describe('POST /api/direct-uploads', () => {
  it('records a pending blob and answers the tutorial shape with a signed URL', async () => {
    const pdf = makePdf();
    const result = await presign(fileRequest(pdf, { filename: 'Ada Resume.pdf', metadata: { message: 'resume for parsing' } }));

    expect(result.status).toBe(200);
    expect(Object.keys(result.body).sort()).toEqual(['blob_signed_id', 'direct_upload']);
    expect(result.body.direct_upload.url).toMatch(/^http:\/\/app\.test\/api\/storage\/disk\/[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(result.body.direct_upload.headers).toEqual({
      'Content-Type': 'application/pdf',
      'Content-MD5': md5(pdf),
      'If-None-Match': '*',
    });

    const blobId = await verifyBlobToken(result.body.blob_signed_id);
    const db = await getDb();
    const [blob] = await db.select().from(blobs).where(eq(blobs.id, blobId));
    expect(blob).toMatchObject({
      filename: 'Ada Resume.pdf',
      contentType: 'application/pdf',
      byteSize: pdf.length,
      checksum: md5(pdf),
      metadata: { message: 'resume for parsing' },
      serviceName: 'disk',
      state: 'pending',
    });
    expect(blob?.key).toMatch(/^[a-z0-9]{28}$/);
  });

  it('generates the key on the server and keeps only a clean file name', async () => {
    const pdf = makePdf();
    const result = await presign(fileRequest(pdf, { filename: '../../etc/\u202Epasswd.pdf' }));
    expect(result.status).toBe(200);
    const db = await getDb();
    const [blob] = await db.select().from(blobs);
    expect(blob?.filename).toBe('passwd.pdf');
    expect(blob?.key).not.toContain('passwd');
  });

  it.each([
    ['malformed JSON', '{"file":', 400, 'malformed_json'],
    ['a missing file', {}, 400, 'invalid_request'],
    ['a size that is a string', { file: { ...fileRequest(makePdf()).file, byte_size: '12' } }, 400, 'invalid_request'],
    ['an unknown key in file', { file: { ...fileRequest(makePdf()).file, key: 'chosen/by/client' } }, 400, 'invalid_request'],
    ['a checksum that is not an MD5', { file: { ...fileRequest(makePdf()).file, checksum: 'abc' } }, 400, 'invalid_request'],
    ['a reserved metadata key', fileRequest(makePdf(), { metadata: { service_name: 's3' } }), 400, 'invalid_request'],
    ['an empty file', fileRequest(makePdf(), { byte_size: 0 }), 422, 'invalid_byte_size'],
    ['a negative size', fileRequest(makePdf(), { byte_size: -5 }), 422, 'invalid_byte_size'],
    ['a fractional size', fileRequest(makePdf(), { byte_size: 10.5 }), 422, 'invalid_byte_size'],
    ['a file over the 10 MiB limit', fileRequest(makePdf(), { byte_size: 10 * 1024 * 1024 + 1 }), 422, 'file_too_large'],
    ['a content type that is not PDF', fileRequest(makePdf(), { content_type: 'text/html' }), 415, 'unsupported_file_type'],
    ['a name that is not .pdf', fileRequest(makePdf(), { filename: 'resume.html' }), 415, 'unsupported_file_type'],
  ])('refuses %s with a JSON error and writes nothing', async (_case, body, status, code) => {
    const result = await presign(body);
    expect(result.status).toBe(status);
    expect(result.body.error.code).toBe(code);
    expect(typeof result.body.error.message).toBe('string');
    expect(await countRows()).toEqual({ users: 0, blobs: 0, attachments: 0 });
  });

  it('refuses a body over 64 KiB with 413 before reading it all', async () => {
    const huge = fileRequest(makePdf(), { metadata: { note: 'x'.repeat(70 * 1024) } });
    const result = await presign(huge);
    expect(result.status).toBe(413);
    expect(result.body.error.code).toBe('body_too_large');
    expect(await countRows()).toEqual({ users: 0, blobs: 0, attachments: 0 });
  });

  it('names the offending field', async () => {
    const result = await presign(fileRequest(makePdf(), { byte_size: 50 * 1024 * 1024 }));
    expect(result.body.error.fields).toEqual({ byte_size: 'must be at most 10 MB' });
    expect(result.body.error.message).toBe('The file is 50 MB; the limit is 10 MB.');
  });
});
