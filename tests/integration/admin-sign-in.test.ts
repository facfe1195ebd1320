import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GET as resumeRoute } from '@/app/api/admin/applicants/[id]/resume/route';
import { DELETE as signOut, POST as signIn } from '@/app/api/admin/session/route';
import { getDb } from '@/lib/database';
import { rateLimits } from '@/db/schema';
import { resetEnv } from '@/lib/env';
import { origin } from '../support/api';

const password = 'correct horse battery staple';
const noParams = { params: Promise.resolve({}) };

function signInRequest(body: BodyInit, address: string, headers: Record<string, string> = {}) {
  return new Request(`${origin}/api/admin/session`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Forwarded-For': `203.0.113.200, ${address}`, ...headers },
    body,
    duplex: 'half',
  } as RequestInit);
}

async function attempt(candidate: string, address = '198.51.100.10') {
  const response = await signIn(signInRequest(new URLSearchParams({ password: candidate }).toString(), address), noParams);
  const setCookie = response.headers.get('set-cookie');
  return { status: response.status, location: response.headers.get('location'), retryAfter: response.headers.get('retry-after'), setCookie, response };
}

/** A request to an admin API with the session cookie of a sign-in. */
async function adminCall(setCookie: string) {
  const cookie = setCookie.split(';')[0]!;
  const id = '00000000-0000-4000-8000-000000000000';
  const response = await resumeRoute(new Request(`${origin}/api/admin/applicants/${id}/resume`, { headers: { Cookie: cookie } }), {
    params: Promise.resolve({ id }),
  });
  return response.status;
}

async function counters() {
  const db = await getDb();
  return Object.fromEntries((await db.select().from(rateLimits)).map((row) => [row.key, row.count]));
}

let saved = { ...process.env };
beforeEach(() => {
  saved = { ...process.env };
  Object.assign(process.env, { ADMIN_PASSWORD: password, ADMIN_SIGN_IN_FAILURES: '3', ADMIN_SIGN_IN_FAILURES_GLOBAL: '50' });
  resetEnv();
});
afterEach(() => {
  process.env = { ...saved };
  resetEnv();
});

describe('failed admin sign-ins are limited in the database', () => {
  it('answers 429 with Retry-After past the limit, and refuses the right password from that address until the window passes', async () => {
    for (let n = 0; n < 3; n += 1) {
      expect(await attempt(`guess-${n}`)).toMatchObject({ status: 303, location: `${origin}/admin/login?error=1`, setCookie: null });
    }
    const limited = await attempt('guess-3');
    expect(limited.status).toBe(429);
    expect(Number(limited.retryAfter)).toBeGreaterThan(0);
    expect(Number(limited.retryAfter)).toBeLessThanOrEqual(900);
    expect((await limited.response.json()).error).toEqual({ code: 'rate_limited', message: `Too many failed sign-ins. Please try again in ${limited.retryAfter} seconds.` });

    const rightButLocked = await attempt(password);
    expect(rightButLocked).toMatchObject({ status: 429, setCookie: null });
    // Another address is not locked out by this one.
    expect(await attempt(password, '198.51.100.11')).toMatchObject({ status: 303, location: `${origin}/admin` });

    // The window passes (moved back rather than waited for).
    const db = await getDb();
    await db.update(rateLimits).set({ windowStart: sql`${rateLimits.windowStart} - interval '1 hour'` });
    const later = await attempt(password);
    expect(later).toMatchObject({ status: 303, location: `${origin}/admin` });
    expect(later.setCookie).toMatch(/^rd_admin=/);
  });

  it('does not count successful sign-ins, nor attempts refused while locked, against anyone', async () => {
    for (let n = 0; n < 6; n += 1) expect((await attempt(password)).status).toBe(303);
    expect(await counters()).toEqual({ 'admin-sign-in:198.51.100.10': 0, 'admin-sign-in:*': 0 });

    for (let n = 0; n < 3; n += 1) await attempt('wrong', '198.51.100.20');
    for (let n = 0; n < 10; n += 1) expect((await attempt('wrong', '198.51.100.20')).status).toBe(429);
    expect(await counters()).toMatchObject({ 'admin-sign-in:198.51.100.20': 3, 'admin-sign-in:*': 3 });
  });

  it('has a global ceiling over all addresses together, which refuses the right password too', async () => {
    process.env.ADMIN_SIGN_IN_FAILURES_GLOBAL = '5';
    resetEnv();
    for (let n = 0; n < 5; n += 1) expect((await attempt('wrong', `192.0.2.${n + 1}`)).status).toBe(303);
    expect((await attempt('wrong', '192.0.2.50')).status).toBe(429);
    const right = await attempt(password, '192.0.2.51');
    expect(right.status).toBe(429);
    expect(Number(right.retryAfter)).toBeGreaterThan(0);
  });

  it('holds under concurrency: exactly the limit of wrong guesses is evaluated', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, (_, n) => attempt(`concurrent-${n}`)));
    expect(results.filter((result) => result.status === 303)).toHaveLength(3);
    expect(results.filter((result) => result.status === 429)).toHaveLength(5);
  });

  it('answers the form script in JSON: 204 with the cookie, 401 for a wrong password, 429 when locked', async () => {
    const asJson = (candidate: string) =>
      signIn(signInRequest(new URLSearchParams({ password: candidate }).toString(), '198.51.100.50', { Accept: 'application/json' }), noParams);
    const right = await asJson(password);
    expect(right.status).toBe(204);
    expect(right.headers.get('set-cookie')).toMatch(/^rd_admin=/);
    for (let n = 0; n < 3; n += 1) {
      const wrong = await asJson('wrong');
      expect(wrong.status).toBe(401);
      expect(await wrong.json()).toEqual({ error: { code: 'wrong_password', message: 'That password is not right.' } });
    }
    const locked = await asJson(password);
    expect(locked.status).toBe(429);
    expect((await locked.json()).error.message).toMatch(/^Too many failed sign-ins\. Please try again in \d+ seconds\.$/);
  });

  it('refuses a sign-in body over 4 KiB before reading it, with or without Content-Length', async () => {
    const big = new URLSearchParams({ password: 'x'.repeat(5000) }).toString();
    const declared = await signIn(signInRequest(big, '198.51.100.30'), noParams);
    expect(declared.status).toBe(413);
    expect((await declared.json()).error.code).toBe('body_too_large');

    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1;
        controller.enqueue(new TextEncoder().encode(`password=${'y'.repeat(1024)}`));
      },
    });
    const streamed = await signIn(signInRequest(endless, '198.51.100.30'), noParams);
    expect(streamed.status).toBe(413);
    expect(pulled).toBeLessThan(10);
    // Nothing was counted: the body was refused before the attempt.
    expect(await counters()).toEqual({});
  });
});

describe('sign-ins posted by pages of other sites', () => {
  it('are refused (403) before they count, by Origin or by Sec-Fetch-Site, so that no site can lock recruiters out', async () => {
    const post = (headers: Record<string, string>) =>
      signIn(signInRequest(new URLSearchParams({ password: 'wrong' }).toString(), '198.51.100.60', headers), noParams);
    const crossSite: Record<string, string>[] = [{ Origin: 'https://evil.example' }, { Origin: 'null' }, { 'Sec-Fetch-Site': 'cross-site' }];
    for (const headers of crossSite) {
      const refused = await post(headers);
      expect(refused.status).toBe(403);
      expect((await refused.json()).error.code).toBe('cross_site_request');
    }
    expect(await counters()).toEqual({});
    // The app's own login page, and clients that are not browsers, still sign in.
    expect((await post({ Origin: origin, 'Sec-Fetch-Site': 'same-origin' })).status).toBe(303);
    expect(await counters()).toEqual({ 'admin-sign-in:198.51.100.60': 1, 'admin-sign-in:*': 1 });
    const right = await signIn(signInRequest(new URLSearchParams({ password }).toString(), '198.51.100.61', { Origin: origin }), noParams);
    expect(right.status).toBe(303);
  });
});

describe('the admin session', () => {
  it('ends when ADMIN_PASSWORD changes', async () => {
    const { setCookie } = await attempt(password);
    expect(await adminCall(setCookie!)).toBe(404);
    process.env.ADMIN_PASSWORD = 'a brand new password, just rotated';
    resetEnv();
    expect(await adminCall(setCookie!)).toBe(401);
    process.env.ADMIN_PASSWORD = password;
    resetEnv();
    expect(await adminCall(setCookie!)).toBe(404);
  });

  it('is a Secure __Host- cookie whenever APP_URL is https, whatever the request says', async () => {
    process.env.APP_URL = 'https://apply.example';
    resetEnv();
    const { setCookie, location } = await attempt(password);
    expect(location).toBe('https://apply.example/admin');
    expect(setCookie).toMatch(/^__Host-rd_admin=[\w-]+\.[\w-]+\.[\w-]+; Path=\/; Max-Age=28800; HttpOnly; SameSite=Strict; Secure$/);
    expect(await adminCall(setCookie!)).toBe(404);
    // The unprefixed name, which a subdomain or a plain-http page could plant, is not read.
    expect(await adminCall(setCookie!.replace(/^__Host-/, ''))).toBe(401);
    const cleared = await signOut(new Request(`${origin}/api/admin/session`, { method: 'DELETE' }), noParams);
    expect(cleared.headers.get('set-cookie')).toBe('__Host-rd_admin=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict; Secure');
  });

  it('is a Secure __Host- cookie in production, even when the proxy says http', async () => {
    Object.assign(process.env, { NODE_ENV: 'production', APP_URL: 'http://127.0.0.1:3100' });
    resetEnv();
    const request = signInRequest(new URLSearchParams({ password }).toString(), '198.51.100.40', { 'X-Forwarded-Proto': 'http' });
    const response = await signIn(request, noParams);
    expect(response.status).toBe(303);
    expect(response.headers.get('set-cookie')).toMatch(/^__Host-rd_admin=[^;]+; Path=\/; Max-Age=28800; HttpOnly; SameSite=Strict; Secure$/);
  });
});
