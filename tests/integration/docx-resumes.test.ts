import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GET as exportRoute } from '@/app/api/admin/applicants/export/route';
import { GET as previewRoute } from '@/app/api/admin/applicants/[id]/preview/route';
import { POST as signIn } from '@/app/api/admin/session/route';
import { attachments, blobs, blobVariants } from '@/db/schema';
import { listApplicants } from '@/lib/admin/applicants';
import { analyzeBlob } from '@/lib/analysis/analyze-blob';
import { zipTailLength } from '@/lib/analysis/zip-directory.mjs';
import { getDb } from '@/lib/database';
import { resetEnv } from '@/lib/env';
import { docxContentType, makeDocx, makeDocxBomb, makePlainZip } from '../fixtures/docx';
import { makePdf } from '../fixtures/pdf';
import { applyWithResume, createUser, fileRequest, getObject, origin, presign, putObject } from '../support/api';
import { analysisJobsOf, runQueuedAnalyses } from '../support/jobs';
import { countRows, listStoredFiles } from '../support/state';

const password = 'correct horse battery staple';
const noParams = { params: Promise.resolve({}) };
const person = (email: string) => ({ email, first_name: 'Wanda', last_name: 'Word' });

// Only in this file's resume: found by search means its text was extracted and indexed.
const resume = makeDocx(
  ['Wanda Word', 'Senior typesetter', 'Restored Quillsworth presses & trained apprentices', 'References on request'],
  { title: 'Curriculum vitae', author: 'Wanda Word', created: '2024-05-06T07:08:09Z', application: 'Microsoft Office Word', pages: 2 },
);

async function uploaded(bytes: Buffer, filename: string, contentType: string) {
  const upload = await presign(fileRequest(bytes, { filename, content_type: contentType }));
  expect(upload.status).toBe(200);
  const put = await putObject(upload.body.direct_upload.url, upload.body.direct_upload.headers, bytes);
  expect(put.status).toBe(200);
  return upload.body.blob_signed_id as string;
}

async function blobOf(userId: string) {
  const db = await getDb();
  const [row] = await db.select({ blob: blobs }).from(attachments).innerJoin(blobs, eq(blobs.id, attachments.blobId)).where(eq(attachments.recordId, userId));
  return row!.blob;
}

async function adminCookie() {
  const response = await signIn(new Request(`${origin}/api/admin/session`, { method: 'POST', body: new URLSearchParams({ password }) }), noParams);
  return /rd_admin=([^;]+)/.exec(response.headers.get('set-cookie') ?? '')?.[1] ?? '';
}

describe('Word (.docx) resumes', () => {
  beforeEach(() => {
    process.env.ADMIN_PASSWORD = password;
    resetEnv();
  });
  afterEach(() => {
    delete process.env.ADMIN_PASSWORD;
    delete process.env.RESUME_TYPES;
    resetEnv();
  });

  it('go through the tutorial’s JSON API, are analyzed, searchable by a word only in them, and exported', async () => {
    const upload = await presign(fileRequest(resume, { filename: 'Wanda – CV.docx', content_type: docxContentType }));
    expect(upload.status).toBe(200);
    expect(upload.body.direct_upload.headers['Content-Type']).toBe(docxContentType);
    expect((await putObject(upload.body.direct_upload.url, upload.body.direct_upload.headers, resume)).status).toBe(200);
    const created = await createUser({ ...person('wanda@example.com'), pdf: upload.body.blob_signed_id });
    expect(created.status).toBe(200);
    const served = await getObject(created.body.resume_url);
    expect(served.headers.get('content-type')).toBe(docxContentType);
    expect(Buffer.from(await served.arrayBuffer()).equals(resume)).toBe(true);

    const blob = await blobOf(created.body.id);
    expect(blob).toMatchObject({ contentType: docxContentType, filename: 'Wanda – CV.docx', analyzedAt: null });
    expect(await runQueuedAnalyses()).toEqual({ completed: 1, failed: 0, left: false });
    const analyzed = await blobOf(created.body.id);
    expect(analyzed).toMatchObject({
      analysisError: null,
      pageCount: 2,
      pdfMetadata: { title: 'Curriculum vitae', author: 'Wanda Word', creator: 'Microsoft Office Word', created_at: '2024-05-06T07:08:09.000Z' },
    });
    expect(analyzed.extractedText).toBe(
      'Wanda Word\n\nSenior typesetter\n\nRestored Quillsworth presses & trained apprentices\n\nReferences on request',
    );
    // No preview for a Word document: no variant row, no object beside the resume.
    const db = await getDb();
    expect(await db.select().from(blobVariants)).toEqual([]);
    expect(await listStoredFiles()).toHaveLength(1);

    await createUser({ email: 'other@example.com', first_name: 'Other', last_name: 'Person' }).catch(() => undefined);
    const found = await listApplicants('quillsworth', 1);
    expect(found.total).toBe(1);
    expect(found.rows[0]).toMatchObject({ email: 'wanda@example.com', contentType: docxContentType, analysis: 'analyzed', preview: null, pageCount: 2 });
    expect(found.rows[0]?.excerpt?.filter((part) => part.highlighted).map((part) => part.text)).toEqual(['Quillsworth']);

    const cookie = await adminCookie();
    const preview = await previewRoute(new Request(`${origin}/api/admin/applicants/${created.body.id}/preview`, { headers: { Cookie: `rd_admin=${cookie}` } }), {
      params: Promise.resolve({ id: created.body.id }),
    });
    expect(preview.status).toBe(404);
    const csv = await exportRoute(new Request(`${origin}/api/admin/applicants/export?q=quillsworth`, { headers: { Cookie: `rd_admin=${cookie}` } }), noParams);
    expect(csv.status).toBe(200);
    const lines = (await csv.text()).replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0]).toBe('Name,Email,Submitted at (UTC),File name,Pages');
    expect(lines[1]).toMatch(/^Wanda Word,wanda@example\.com,[^,]+,Wanda – CV\.docx,2$/);
    expect(lines.slice(2)).toEqual(['']);
  });

  it('finds word/document.xml in a directory that starts before the archive’s last 64 KiB (a second ranged read)', async () => {
    const docx = makeDocx(['Commented resume']);
    // The longest comment a ZIP may have: the whole directory ends before the tail read first.
    const comment = Buffer.alloc(0xffff, 0x61);
    const withComment = Buffer.concat([docx, comment]);
    withComment.writeUInt16LE(comment.length, docx.length - 2);
    expect(withComment.length - zipTailLength).toBeGreaterThanOrEqual(docx.length - 22);
    const created = await applyWithResume(withComment, person('comment@example.com'), 'cv.docx', docxContentType);
    expect(created.status).toBe(200);
    expect(await analyzeBlob((await blobOf(created.body.id)).id)).toMatchObject({ status: 'analyzed' });
    expect((await blobOf(created.body.id)).extractedText).toBe('Commented resume');
  });

  it('refuses at attach a plain ZIP archive declared as a Word document, and removes its blob and object', async () => {
    const signedId = await uploaded(makePlainZip(), 'resume.docx', docxContentType);
    expect(await listStoredFiles()).toHaveLength(1);
    const result = await createUser({ ...person('zip@example.com'), pdf: signedId });
    expect(result.status).toBe(422);
    expect(result.body.error).toEqual({
      code: 'not_a_docx',
      message: 'This file is not a Word document (.docx). Please save your resume as .docx again, or choose a PDF.',
      fields: { pdf: 'This file is not a Word document (.docx).' },
    });
    expect(await countRows()).toEqual({ users: 0, blobs: 0, attachments: 0 });
    expect(await listStoredFiles()).toEqual([]);
  });

  it('refuses a file whose declared type is not what its bytes are, either way', async () => {
    const pdfAsDocx = await uploaded(makePdf('A PDF in disguise'), 'resume.docx', docxContentType);
    const first = await createUser({ ...person('disguise@example.com'), pdf: pdfAsDocx });
    expect(first.status).toBe(422);
    expect(first.body.error).toMatchObject({ code: 'not_a_docx', fields: { pdf: 'This file is not a Word document (.docx).' } });

    const docxAsPdf = await uploaded(resume, 'resume.pdf', 'application/pdf');
    const second = await createUser({ ...person('disguise@example.com'), pdf: docxAsPdf });
    expect(second.status).toBe(422);
    expect(second.body.error).toMatchObject({ code: 'not_a_pdf', fields: { pdf: 'This file is not a PDF.' } });
    expect(await countRows()).toEqual({ users: 0, blobs: 0, attachments: 0 });
    expect(await listStoredFiles()).toEqual([]);

    // At presign, a name that is not the declared type's is refused before anything is written.
    const misnamed = await presign(fileRequest(resume, { filename: 'resume.pdf', content_type: docxContentType }));
    expect(misnamed.status).toBe(415);
    expect(misnamed.body.error).toMatchObject({
      code: 'unsupported_file_type',
      message: 'Only PDF or Word files (.pdf or .docx) are accepted.',
      fields: { content_type: `must be application/pdf with a .pdf file name, or ${docxContentType} with a .docx file name` },
    });
  });

  it('with RESUME_TYPES=pdf, refuses a Word document at presign with a clear 422, and still takes PDFs', async () => {
    process.env.RESUME_TYPES = 'pdf';
    resetEnv();
    const refused = await presign(fileRequest(resume, { filename: 'cv.docx', content_type: docxContentType }));
    expect(refused.status).toBe(422);
    expect(refused.body.error).toEqual({
      code: 'file_type_not_accepted',
      message: 'Word files (.docx) are not accepted here; send PDF (.pdf).',
      fields: { content_type: 'must be application/pdf' },
    });
    expect(await countRows()).toEqual({ users: 0, blobs: 0, attachments: 0 });
    const other = await presign(fileRequest(resume, { filename: 'cv.doc', content_type: 'application/msword' }));
    expect(other.status).toBe(415);
    expect(other.body.error.message).toBe('Only PDF files (.pdf) are accepted.');
    expect((await applyWithResume(makePdf(), person('pdf@example.com'))).status).toBe(200);
    const missing = await createUser({ ...person('none@example.com') });
    expect(missing.body.error).toMatchObject({ code: 'resume_required', message: 'Attach your resume (PDF) to apply.' });
  });

  it('refuses at the attach, and removes, a Word upload presigned before RESUME_TYPES became pdf', async () => {
    const token = await uploaded(resume, 'cv.docx', docxContentType);
    process.env.RESUME_TYPES = 'pdf';
    resetEnv();
    const refused = await createUser({ ...person('late@example.com'), pdf: token });
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatchObject({ code: 'file_type_not_accepted', fields: { pdf: 'Word files (.docx) are not accepted here; send PDF (.pdf).' } });
    expect(await countRows()).toEqual({ users: 0, blobs: 0, attachments: 0 });
    expect(await listStoredFiles()).toEqual([]);
  });

  it('holds a Word document to its own size ceiling (20 MiB) under a larger MAX_UPLOAD_BYTES, and a PDF to MAX_UPLOAD_BYTES', async () => {
    process.env.MAX_UPLOAD_BYTES = String(64 * 1024 * 1024);
    resetEnv();
    try {
      const tooLarge = await presign(fileRequest(resume, { filename: 'cv.docx', content_type: docxContentType, byte_size: 20 * 1024 * 1024 + 1 }));
      expect(tooLarge.status).toBe(422);
      expect(tooLarge.body.error).toMatchObject({ code: 'file_too_large', fields: { byte_size: 'must be at most 20 MB' } });
      const largePdf = await presign(fileRequest(makePdf(), { byte_size: 30 * 1024 * 1024 }));
      expect(largePdf.status).toBe(200);
    } finally {
      delete process.env.MAX_UPLOAD_BYTES;
    }
  });

  it('records a zip bomb as a failure at its first attempt: stopped at the ceiling, never retried', async () => {
    const bomb = makeDocxBomb();
    expect(bomb.length).toBeLessThan(200 * 1024);
    const created = await applyWithResume(bomb, person('bomb@example.com'), 'bomb.docx', docxContentType);
    expect(created.status).toBe(200);
    const { id: blobId } = await blobOf(created.body.id);
    const started = performance.now();
    expect(await runQueuedAnalyses()).toEqual({ completed: 1, failed: 0, left: false });
    expect(performance.now() - started).toBeLessThan(15_000);
    expect(await blobOf(created.body.id)).toMatchObject({
      analysisError: 'unpacked_too_large',
      analysisErrorMessage: 'The Word document unpacks to more than 20 MB of text and markup (word/document.xml): analysis stopped.',
      extractedText: null,
    });
    expect((await analysisJobsOf(blobId)).map((job) => [job.state, job.retryCount])).toEqual([['completed', 0]]);
    expect(await runQueuedAnalyses()).toEqual({ completed: 0, failed: 0, left: false });
    expect((await listApplicants('bomb@example.com', 1)).rows[0]).toMatchObject({ analysis: 'failed', analysisError: 'unpacked_too_large' });
  });
});
