import 'server-only';
import { eq } from 'drizzle-orm';
import { Zip, ZipDeflate, ZipPassThrough } from 'fflate';
import { blobVariants, type AuditEvent } from '@/db/schema';
import { getDb } from '@/lib/database';
import type { AuditActor } from '@/lib/audit/actor';
import { auditEventsOf } from '@/lib/audit/list-audit-events';
import { recordAuditEvent } from '@/lib/audit/record-audit-event';
import { sanitizeFilename } from '@/lib/blobs/filename';
import { appError } from '@/lib/http/errors';
import { getStorage } from '@/lib/storage';
import { findApplicantWithResume } from '@/lib/users/applicant-with-resume';

// The resume is read and zipped a range at a time: one chunk in memory, whatever the file's size.
const chunkBytes = 1024 * 1024;

export interface ApplicantDataExport {
  filename: string;
  body: ReadableStream<Uint8Array>;
}

/**
 * An entry of the audit trail as the applicant may see it: what was done and when; the address
 * only when it was theirs (a recruiter's address is the recruiter's personal data).
 */
function describeAuditEvent(event: AuditEvent) {
  return {
    occurred_at: event.occurredAt.toISOString(),
    actor: event.actor,
    action: event.action,
    ...(event.actor === 'applicant' ? { client_address: event.clientAddress } : {}),
  };
}

async function readApplicant(userId: string) {
  const row = await findApplicantWithResume(userId);
  if (!row) throw appError('not_found');
  const db = await getDb();
  const variants = row.blob
    ? await db.select().from(blobVariants).where(eq(blobVariants.blobId, row.blob.id))
    : [];
  return { ...row, variants };
}

/**
 * The recruiter's "Download data" (an access request, GDPR art. 15): a ZIP, streamed, with
 * `applicant.json` (every stored field, the resume's analysis and the audit entries about the
 * applicant, this download included) and the resume file as it was uploaded.
 */
export async function exportApplicantData(
  userId: string,
  actor: AuditActor,
): Promise<ApplicantDataExport> {
  const { user, blob, variants } = await readApplicant(userId);
  await recordAuditEvent(actor, 'downloaded_data', userId);
  const events = await auditEventsOf(userId);
  const storage = getStorage();
  // Asked before the answer starts: storage that is down is a 503, not a truncated ZIP.
  const stored = blob ? await storage.stat(blob.key) : null;

  const document = {
    exported_at: new Date().toISOString(),
    applicant: {
      id: user.id,
      email: user.email,
      first_name: user.firstName,
      last_name: user.lastName,
      created_at: user.createdAt.toISOString(),
      updated_at: user.updatedAt.toISOString(),
      keep_until: user.keepUntil,
    },
    resume: blob && {
      filename: blob.filename,
      content_type: blob.contentType,
      byte_size: blob.byteSize,
      checksum_md5: blob.checksum,
      metadata: blob.metadata,
      storage_service: blob.serviceName,
      uploaded_at: blob.createdAt.toISOString(),
      in_archive: stored ? `resume/${sanitizeFilename(blob.filename)}` : null,
      analysis: {
        analyzed_at: blob.analyzedAt?.toISOString() ?? null,
        page_count: blob.pageCount,
        pdf_metadata: blob.pdfMetadata,
        error: blob.analysisError,
        error_message: blob.analysisErrorMessage,
        extracted_text: blob.extractedText,
      },
      variants: variants.map((variant) => ({
        name: variant.name,
        content_type: variant.contentType,
        byte_size: variant.byteSize,
        width: variant.width,
        height: variant.height,
        created_at: variant.createdAt.toISOString(),
      })),
    },
    audit_events: events.map(describeAuditEvent),
  };

  let offset = 0;
  let resumeEntry: ZipPassThrough | null = null;
  let zip: Zip;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      zip = new Zip((error, chunk, final) => {
        if (error) return controller.error(error);
        controller.enqueue(chunk);
        if (final) controller.close();
      });
      const json = new ZipDeflate('applicant.json', { level: 6 });
      zip.add(json);
      json.push(new TextEncoder().encode(`${JSON.stringify(document, null, 2)}\n`), true);
      if (!blob || !stored) return zip.end();
      // Resumes are compressed already (a PDF's streams; a .docx is a ZIP archive): stored as they are.
      resumeEntry = new ZipPassThrough(`resume/${sanitizeFilename(blob.filename)}`);
      zip.add(resumeEntry);
    },
    async pull(controller) {
      if (!resumeEntry || !blob || !stored) return;
      const end = Math.min(stored.byteSize, offset + chunkBytes) - 1;
      const chunk =
        stored.byteSize === 0
          ? new Uint8Array(0)
          : await storage.readRange(blob.key, offset, end).catch((error: unknown) => {
              controller.error(error);
              return null;
            });
      if (!chunk) return;
      offset = end + 1;
      const last = offset >= stored.byteSize;
      resumeEntry.push(chunk, last);
      if (last) {
        resumeEntry = null;
        zip.end();
      }
    },
  });
  return { filename: `applicant-${user.id}.zip`, body };
}
