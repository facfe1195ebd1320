import { describe, expect, it } from 'vitest';
import { GET } from '@/app/api/health/route';
import { resetEnv } from '@/lib/env';
import { docxContentType, makeDocx, makePlainZip } from '../fixtures/docx';
import { makePdf, makePdfWithAwkwardChecksum } from '../fixtures/pdf';
import { createUser, fileRequest, presign } from '../support/api';
import { getTestBucket } from '../support/integration-setup';
import { listKeys, s3Client } from '@/scripts/harness/s3.mjs';
import { s3Settings, s3Skipped } from '../support/s3';
import { countRows, expectConsistent } from '../support/state';

const ada = { email: 'ada@example.com', first_name: 'Ada', last_name: 'Lovelace' };

async function presignAndPut(bytes: Buffer, filename = 'resume.pdf', contentType = 'application/pdf') {
  const upload = await presign(fileRequest(bytes, { filename, content_type: contentType }));
  expect(upload.status).toBe(200);
  const { url, headers } = upload.body.direct_upload;
  const put = await fetch(url, { method: 'PUT', headers, body: new Uint8Array(bytes) });
  return { upload, put };
}

describe.skipIf(s3Skipped())('the tutorial client flow against S3 and Postgres', () => {
  it('presigns a PUT to the bucket, attaches the uploaded PDF and links to the same bytes', async () => {
    const pdf = makePdf('Ada on S3', 20_000);
    const { upload, put } = await presignAndPut(pdf, 'Résumé – 履歴書.pdf');
    const url = new URL(upload.body.direct_upload.url);
    expect(`${url.protocol}//${url.host}`).toBe(s3Settings().endpoint);
    expect(url.pathname).toMatch(new RegExp(`^/${getTestBucket()}/[a-z0-9]{28}$`));
    expect(put.status).toBe(200);

    const user = await createUser({ ...ada, pdf: upload.body.blob_signed_id });
    expect(user.status).toBe(200);
    const download = await fetch(user.body.resume_url);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('application/pdf');
    expect(download.headers.get('content-disposition')).toContain(`filename*=UTF-8''${encodeURIComponent('Résumé – 履歴書.pdf')}`);
    expect(Buffer.from(await download.arrayBuffer()).equals(pdf)).toBe(true);
    expect(await countRows()).toEqual({ users: 1, blobs: 1, attachments: 1 });
  });

  it('carries a checksum containing + and / through the signed URL and S3', async () => {
    const { pdf, checksum } = makePdfWithAwkwardChecksum();
    const { upload, put } = await presignAndPut(pdf);
    expect(upload.body.direct_upload.headers['Content-MD5']).toBe(checksum);
    expect(put.status).toBe(200);
    expect((await createUser({ ...ada, pdf: upload.body.blob_signed_id })).status).toBe(200);
  });

  it('answers 422 before the PUT, and the same token works after it', async () => {
    const pdf = makePdf();
    const upload = await presign(fileRequest(pdf));
    const early = await createUser({ ...ada, pdf: upload.body.blob_signed_id });
    expect(early.status).toBe(422);
    expect(early.body.error.code).toBe('upload_incomplete');
    const { url, headers } = upload.body.direct_upload;
    await fetch(url, { method: 'PUT', headers, body: new Uint8Array(pdf) });
    expect((await createUser({ ...ada, pdf: upload.body.blob_signed_id })).status).toBe(200);
  });

  it('attaches nothing when S3 refused a tampered upload', async () => {
    const pdf = makePdf();
    const upload = await presign(fileRequest(pdf));
    const tampered = Buffer.from(pdf);
    tampered[40] = (tampered[40] ?? 0) ^ 1;
    const { url, headers } = upload.body.direct_upload;
    const put = await fetch(url, { method: 'PUT', headers, body: new Uint8Array(tampered) });
    expect(put.status).toBe(400);
    const result = await createUser({ ...ada, pdf: upload.body.blob_signed_id });
    expect(result.status).toBe(422);
    expect((await countRows()).users).toBe(0);
  });

  it('answers 503 while storage is unreachable, writes nothing, and the same token works once it is back', async () => {
    const pdf = makePdf();
    const { upload, put } = await presignAndPut(pdf);
    expect(put.status).toBe(200);
    const endpoint = process.env.S3_ENDPOINT;
    process.env.S3_ENDPOINT = 'http://127.0.0.1:1';
    resetEnv();
    try {
      const down = await createUser({ ...ada, pdf: upload.body.blob_signed_id });
      expect(down.status).toBe(503);
      expect(down.body.error.code).toBe('storage_unavailable');
      expect(await countRows()).toEqual({ users: 0, blobs: 1, attachments: 0 });
    } finally {
      process.env.S3_ENDPOINT = endpoint;
      resetEnv();
    }
    expect((await createUser({ ...ada, pdf: upload.body.blob_signed_id })).status).toBe(200);
    await expectConsistent();
  });

  it('deletes a non-PDF from the bucket and its blob row', async () => {
    const html = Buffer.from('<!doctype html><script>alert(1)</script>');
    const { upload, put } = await presignAndPut(html);
    expect(put.status).toBe(200);
    const client = s3Client(s3Settings());
    expect(await listKeys(client, getTestBucket())).toHaveLength(1);

    const result = await createUser({ ...ada, pdf: upload.body.blob_signed_id });
    expect(result.status).toBe(422);
    expect(result.body.error.code).toBe('not_a_pdf');
    expect(await listKeys(client, getTestBucket())).toEqual([]);
    expect(await countRows()).toEqual({ users: 0, blobs: 0, attachments: 0 });
  });
});

describe.skipIf(s3Skipped())('Word resumes on S3: the archive’s directory read by ranged GETs', () => {
  it('attaches a .docx whose directory lies before its last 64 KiB, and links to the same bytes', async () => {
    const docx = makeDocx(['Ada on S3, in Word']);
    const comment = Buffer.alloc(0xffff, 0x61);
    const withComment = Buffer.concat([docx, comment]);
    withComment.writeUInt16LE(comment.length, docx.length - 2);
    const { upload, put } = await presignAndPut(withComment, 'cv.docx', docxContentType);
    expect(put.status).toBe(200);
    const user = await createUser({ ...ada, pdf: upload.body.blob_signed_id });
    expect(user.status).toBe(200);
    const download = await fetch(user.body.resume_url);
    expect(download.headers.get('content-type')).toBe(docxContentType);
    expect(Buffer.from(await download.arrayBuffer()).equals(withComment)).toBe(true);
  });

  it('deletes a plain ZIP declared as a Word document from the bucket and its blob row', async () => {
    const { upload, put } = await presignAndPut(makePlainZip(), 'cv.docx', docxContentType);
    expect(put.status).toBe(200);
    const result = await createUser({ ...ada, pdf: upload.body.blob_signed_id });
    expect(result.status).toBe(422);
    expect(result.body.error.code).toBe('not_a_docx');
    expect(await listKeys(s3Client(s3Settings()), getTestBucket())).toEqual([]);
    expect(await countRows()).toEqual({ users: 0, blobs: 0, attachments: 0 });
  });
});

describe.skipIf(s3Skipped())('GET /api/health with S3', () => {
  const cronSecret = 'cron-secret-for-s3-tests-0123456789';
  async function health(headers: Record<string, string> = {}) {
    const response = await GET(new Request('http://app.test/api/health', { headers }), { params: Promise.resolve({}) });
    return { status: response.status, body: await response.json() };
  }

  it('answers 200 when the bucket answers, 503 when it does not, with details only for the operator', async () => {
    const ok = await health();
    expect(ok.status).toBe(200);
    expect(ok.body.checks).toEqual({ database: 'ok', storage: 'ok' });

    const bucket = process.env.S3_BUCKET;
    process.env.S3_BUCKET = 'rd-missing-bucket-for-health';
    process.env.CRON_SECRET = cronSecret;
    resetEnv();
    try {
      const down = await health();
      expect(down.status).toBe(503);
      expect(down.body.checks).toEqual({ database: 'ok', storage: 'unavailable' });
      const detailed = await health({ Authorization: `Bearer ${cronSecret}` });
      expect(detailed.body.checks.storage).toMatchObject({ ok: false, service: 's3', error: expect.any(String) });
    } finally {
      process.env.S3_BUCKET = bucket;
      delete process.env.CRON_SECRET;
      resetEnv();
    }
  });
});
