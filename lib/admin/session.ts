import 'server-only';
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { recruiterActor, type AuditActor } from '@/lib/audit/actor';
import { recordAuditEvent } from '@/lib/audit/record-audit-event';
import { getEnv } from '@/lib/env';
import { appError } from '@/lib/http/errors';
import { signToken, verifyToken } from '@/lib/signed-token';
import { getSigningKey } from '@/lib/signing-key';

const sessionSeconds = 8 * 3600;

/** Constant-time comparison of equal-length digests, whatever the lengths of the inputs. */
export function isAdminPassword(candidate: string): boolean {
  const password = getEnv().ADMIN_PASSWORD;
  if (!password) return false;
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(candidate), digest(password));
}

/**
 * Stands for the password in the session, so that changing ADMIN_PASSWORD ends every session. Keyed
 * with the server's secret: a session token's readable claims say nothing that helps guess it.
 */
function passwordFingerprint(password: string): string {
  return createHmac('sha256', getSigningKey()).update(`admin-password\0${password}`).digest('base64url');
}

/**
 * The session cookie: Secure with the `__Host-` prefix (no Domain, Path=/, never set over plain
 * HTTP) in production or whenever APP_URL is https, whatever the proxy says about the scheme; a
 * plain name only for development over http, where browsers would drop a Secure cookie.
 */
export function adminCookie(): { name: string; secure: boolean } {
  const env = getEnv();
  const secure = env.NODE_ENV === 'production' || env.APP_URL?.startsWith('https:') === true;
  return { name: secure ? '__Host-rd_admin' : 'rd_admin', secure };
}

function serializeAdminCookie(value: string, maxAge: number): string {
  const { name, secure } = adminCookie();
  return `${name}=${value}; Path=/; Max-Age=${maxAge}; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}

/** The Set-Cookie value of a new 8-hour session, whose start is recorded in the audit trail. */
export async function createAdminSessionCookie(request: Request): Promise<string> {
  const password = getEnv().ADMIN_PASSWORD;
  if (!password) throw appError('not_found', { message: 'The recruiter view is not enabled (ADMIN_PASSWORD).' });
  const token = await signToken('admin_session', { sub: 'admin', pwd: passwordFingerprint(password) }, sessionSeconds);
  await recordAuditEvent(recruiterActor(request, hashSession(token)), 'signed_in', null);
  return serializeAdminCookie(token, sessionSeconds);
}

/** A wrong password, in the audit trail (the rate limits count it separately). */
export async function recordSignInFailure(request: Request): Promise<void> {
  await recordAuditEvent(recruiterActor(request, null), 'sign_in_failed', null);
}

export function clearAdminSessionCookie(): string {
  return serializeAdminCookie('', 0);
}

async function isValidSession(token: string | undefined): Promise<boolean> {
  const password = getEnv().ADMIN_PASSWORD;
  if (!token || !password) return false;
  const payload = await verifyToken('admin_session', token).catch(() => null);
  if (typeof payload?.pwd !== 'string') return false;
  const presented = Buffer.from(payload.pwd);
  const expected = Buffer.from(passwordFingerprint(password));
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}

/** For admin pages: the sign-in page unless a valid session cookie is present. */
export async function requireAdminPage(): Promise<void> {
  const token = (await cookies()).get(adminCookie().name)?.value;
  if (!(await isValidSession(token))) redirect('/admin/login');
}

/** Names a session in the audit trail without being usable as one. */
export function hashSession(token: string): string {
  return createHash('sha256').update(token).digest('base64url').slice(0, 16);
}

/** For admin API routes: 401 unless a valid session cookie is present; who acts, for the audit trail. */
export async function requireAdminRequest(request: Request): Promise<AuditActor> {
  const { name } = adminCookie();
  const token = (request.headers.get('cookie') ?? '')
    .split(';')
    .map((pair) => pair.trim())
    .find((pair) => pair.startsWith(`${name}=`))
    ?.slice(name.length + 1);
  if (!token || !(await isValidSession(token))) throw appError('unauthorized');
  return recruiterActor(request, hashSession(token));
}
