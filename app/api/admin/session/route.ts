import { adminCookieName, adminCookieOptions, createAdminSession, isAdminPassword } from '@/lib/admin/session';
import { getEnv } from '@/lib/env';
import { AppError } from '@/lib/http/errors';
import { publicOrigin, route } from '@/lib/http/handler';

/** Sign in from the form at /admin/login: a session cookie and back to /admin, or back with an error. */
export const POST = route(async (request) => {
  if (!getEnv().ADMIN_PASSWORD) throw new AppError(404, 'not_found', 'The recruiter view is not enabled (ADMIN_PASSWORD).');
  const form = await request.formData().catch(() => null);
  const password = form?.get('password');
  const origin = publicOrigin(request);
  if (typeof password !== 'string' || !isAdminPassword(password)) {
    return Response.redirect(`${origin}/admin/login?error=1`, 303);
  }
  const session = await createAdminSession();
  const options = adminCookieOptions(request.url, session.maxAge);
  const cookie = `${adminCookieName}=${session.value}; Path=${options.path}; Max-Age=${options.maxAge}; HttpOnly; SameSite=Strict${options.secure ? '; Secure' : ''}`;
  return new Response(null, { status: 303, headers: { Location: `${origin}/admin`, 'Set-Cookie': cookie } });
});

/** Sign out. */
export const DELETE = route(async () => {
  const response = new Response(null, { status: 204 });
  response.headers.append('Set-Cookie', `${adminCookieName}=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict`);
  return response;
});
