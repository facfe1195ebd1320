import { beginSignInAttempt } from '@/lib/admin/sign-in-limit';
import { clearAdminSessionCookie, createAdminSessionCookie, isAdminPassword, recordSignInFailure } from '@/lib/admin/session';
import { getEnv } from '@/lib/env';
import { appError } from '@/lib/http/errors';
import { assertSameSiteRequest, route } from '@/lib/http/handler';
import { readForm } from '@/lib/http/read-body';
import { publicOrigin } from '@/lib/request-context';

// The form holds one password field; nothing larger is read.
const maxFormBytes = 4 * 1024;

/**
 * Sign in from the form at /admin/login: a session cookie and back to /admin, or back with an
 * error; for the form's script (Accept: application/json), 204 or a JSON error instead of the
 * redirects. Failed attempts are limited per client address and in all (429 with Retry-After);
 * a browser's post from another site is refused (403) before it counts.
 */
export const POST = route(async (request) => {
  if (!getEnv().ADMIN_PASSWORD) throw appError('not_found', { message: 'The recruiter view is not enabled (ADMIN_PASSWORD).' });
  // A page elsewhere must not post wrong passwords from its visitors' browsers: each would spend
  // the global sign-in ceiling and lock the recruiters out.
  assertSameSiteRequest(request);
  const password = (await readForm(request, maxFormBytes)).get('password');
  const attempt = await beginSignInAttempt(request);
  const json = request.headers.get('accept')?.includes('application/json') ?? false;
  const origin = publicOrigin();
  if (typeof password !== 'string' || !isAdminPassword(password)) {
    await recordSignInFailure(request);
    if (json) throw appError('wrong_password');
    return new Response(null, { status: 303, headers: { Location: `${origin}/admin/login?error=1` } });
  }
  await attempt.succeeded();
  const cookie = await createAdminSessionCookie(request);
  if (json) return new Response(null, { status: 204, headers: { 'Set-Cookie': cookie, 'Cache-Control': 'no-store' } });
  return new Response(null, { status: 303, headers: { Location: `${origin}/admin`, 'Set-Cookie': cookie } });
});

/** Sign out. */
export const DELETE = route(async () => new Response(null, { status: 204, headers: { 'Set-Cookie': clearAdminSessionCookie() } }));
