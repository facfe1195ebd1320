import 'server-only';
import { signToken, verifyToken } from '@/lib/signed-token';

const confirmationDays = 30;

/** The applicant's own page: signed and expiring, so ids are never enough to see an application. */
export async function createConfirmationPath(userId: string): Promise<string> {
  return `/applications/${await signToken('applicant_view', { sub: userId }, confirmationDays * 24 * 3600)}`;
}

export async function readConfirmationToken(token: string): Promise<string | null> {
  try {
    const payload = await verifyToken('applicant_view', token);
    return typeof payload.sub === 'string' ? payload.sub : null;
  } catch {
    return null;
  }
}
