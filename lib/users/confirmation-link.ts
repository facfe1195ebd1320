import 'server-only';
import { appError } from '@/lib/http/errors';
import { signToken, TokenError, verifyToken } from '@/lib/signed-token';

const confirmationDays = 30;

/**
 * The applicant's own page: signed and expiring, so ids are never enough to see an application.
 * The token is in the fragment, which browsers never send: no server or proxy log holds it.
 */
export async function createConfirmationPath(userId: string): Promise<string> {
  return `/applications#${await signToken('applicant_view', { sub: userId }, confirmationDays * 24 * 3600)}`;
}

/** The same page as a full URL at `origin`, for the applicant's confirmation email. */
export async function createApplicationPageUrl(origin: string, userId: string): Promise<string> {
  return `${origin}${await createConfirmationPath(userId)}`;
}

/** The applicant an application link is for; 403 when it is not one of ours, or has expired. */
export async function verifyConfirmationToken(token: string): Promise<string> {
  try {
    const payload = await verifyToken('applicant_view', token);
    if (typeof payload.sub === 'string') return payload.sub;
  } catch (error) {
    if (error instanceof TokenError && error.reason === 'expired')
      throw appError('application_link_expired');
  }
  throw appError('invalid_application_link');
}
