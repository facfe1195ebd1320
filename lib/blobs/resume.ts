import 'server-only';
import { and, eq } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { attachments, type Blob } from '@/db/schema';
import { getEnv } from '@/lib/env';
import type { StorageService } from '@/lib/storage/service';

/** An applicant's resume is the attachment named `resume` on their `User` record. */
export const resumeAttachment = { name: 'resume', recordType: 'User' } as const;

export function isResumeOf(userId: string | AnyPgColumn) {
  return and(
    eq(attachments.recordType, resumeAttachment.recordType),
    eq(attachments.recordId, userId),
    eq(attachments.name, resumeAttachment.name),
  );
}

/** A short-lived link that shows the resume in the browser under its original name. */
export function createResumeUrl(storage: StorageService, blob: Pick<Blob, 'key' | 'filename' | 'contentType'>): Promise<string> {
  return storage.getDownloadUrl(blob.key, {
    filename: blob.filename,
    contentType: blob.contentType,
    disposition: 'inline',
    expiresIn: getEnv().DOWNLOAD_URL_EXPIRES_IN,
  });
}
