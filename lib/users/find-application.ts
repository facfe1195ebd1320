import 'server-only';
import type { ApplicationResponse } from '@/lib/contract/application';
import { appError } from '@/lib/http/errors';
import { createResumeUrl } from '@/lib/blobs/resume';
import { getStorage } from '@/lib/storage';
import { findApplicantWithResume } from './applicant-with-resume';
import { verifyConfirmationToken } from './confirmation-link';

/**
 * The application of a signed link, with a fresh short-lived link to the resume; 410 once it was
 * withdrawn, deleted or reached its retention (or while that is under way).
 */
export async function findApplication(token: string): Promise<ApplicationResponse> {
  const userId = await verifyConfirmationToken(token);
  const row = await findApplicantWithResume(userId);
  if (!row || (row.blob && row.blob.state !== 'attached')) throw appError('application_gone');
  const { user, blob } = row;
  return {
    first_name: user.firstName,
    last_name: user.lastName,
    email: user.email,
    created_at: user.createdAt.toISOString(),
    resume: blob
      ? {
          filename: blob.filename,
          byte_size: blob.byteSize,
          url: await createResumeUrl(getStorage(), blob),
        }
      : null,
  };
}
