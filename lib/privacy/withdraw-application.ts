import 'server-only';
import type { AuditActor } from '@/lib/audit/actor';
import { appError } from '@/lib/http/errors';
import { verifyConfirmationToken } from '@/lib/users/confirmation-link';
import { eraseApplicant } from './erase-applicant';

/**
 * The applicant withdraws with their signed link: everything about the application is erased at
 * once (lib/privacy/erase-applicant.ts). 410 when there is nothing left to withdraw.
 */
export async function withdrawApplication(token: string, actor: AuditActor): Promise<void> {
  const userId = await verifyConfirmationToken(token);
  if (!(await eraseApplicant(userId, 'withdrawn', actor))) throw appError('application_gone');
}
