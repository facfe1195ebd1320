import 'server-only';
import { createHash, timingSafeEqual } from 'node:crypto';
import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { getEnv } from '@/lib/env';
import { AppError } from '@/lib/http/errors';
import { signToken, verifyToken } from '@/lib/signed-token';

export const adminCookieName = 'rd_admin';
const sessionSeconds = 8 * 3600;

/** Constant-time comparison of equal-length digests, whatever the lengths of the inputs. */
export function isAdminPassword(candidate: string): boolean {
  const password = getEnv().ADMIN_PASSWORD;
  if (!password) return false;
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(candidate), digest(password));
}

export async function createAdminSession(): Promise<{ value: string; maxAge: number }> {
  return { value: await signToken('admin_session', { sub: 'admin' }, sessionSeconds), maxAge: sessionSeconds };
}

/** Secure everywhere but plain-HTTP loopback (development and tests), where browsers would drop it. */
export function adminCookieOptions(requestUrl: string, maxAge: number) {
  const url = new URL(requestUrl);
  const loopback = url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  return { httpOnly: true, secure: !loopback, sameSite: 'strict' as const, path: '/', maxAge };
}

async function isValidSession(token: string | undefined): Promise<boolean> {
  if (!token || !getEnv().ADMIN_PASSWORD) return false;
  return verifyToken('admin_session', token).then(
    () => true,
    () => false,
  );
}

/** For admin pages: the sign-in page unless a valid session cookie is present. */
export async function requireAdminPage(): Promise<void> {
  const token = (await cookies()).get(adminCookieName)?.value;
  if (!(await isValidSession(token))) redirect('/admin/login');
}

/** For admin API routes: 401 unless a valid session cookie is present. */
export async function requireAdminRequest(request: Request): Promise<void> {
  const token = /(?:^|;\s*)rd_admin=([^;]+)/.exec(request.headers.get('cookie') ?? '')?.[1];
  if (!(await isValidSession(token))) throw new AppError(401, 'unauthorized', 'Sign in at /admin/login first.');
}
