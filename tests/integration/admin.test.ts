import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DELETE as deleteApplicantRoute } from '@/app/api/admin/applicants/[id]/route';
import { GET as resumeRoute } from '@/app/api/admin/applicants/[id]/resume/route';
import { POST as signIn } from '@/app/api/admin/session/route';
import { applicantsPerPage, listApplicants } from '@/lib/admin/applicants';
import { resetEnv } from '@/lib/env';
import { verifyConfirmationToken } from '@/lib/users/confirmation-link';
import { makePdf } from '../fixtures/pdf';
import { applyWithResume, createUser, getObject, origin } from '../support/api';
import { countRows, expectConsistent, listStoredFiles } from '../support/state';

// These tests also send applications without a resume: the tutorial's optional `pdf`.
beforeAll(() => {
  process.env.RESUME_REQUIRED = 'false';
  resetEnv();
});

async function session(password: string) {
  const response = await signIn(
    new Request(`${origin}/api/admin/session`, { method: 'POST', body: new URLSearchParams({ password }) }),
    { params: Promise.resolve({}) },
  );
  return { response, cookie: /rd_admin=([^;]+)/.exec(response.headers.get('set-cookie') ?? '')?.[1] };
}

describe('the recruiter API', () => {
  beforeEach(() => {
    process.env.ADMIN_PASSWORD = 'correct horse battery staple';
    resetEnv();
  });
  afterEach(() => {
    delete process.env.ADMIN_PASSWORD;
    resetEnv();
  });

  it('signs in only with the configured password, with an HttpOnly, SameSite cookie', async () => {
    const wrong = await session('wrong');
    expect(wrong.response.status).toBe(303);
    expect(wrong.response.headers.get('location')).toBe(`${origin}/admin/login?error=1`);
    expect(wrong.cookie).toBeUndefined();
    const right = await session('correct horse battery staple');
    expect(right.response.headers.get('location')).toBe(`${origin}/admin`);
    // Plain http in development and tests: not Secure, or the browser would drop it (admin-sign-in.test.ts has the rest).
    expect(right.response.headers.get('set-cookie')).toMatch(/^rd_admin=[^;]+; Path=\/; Max-Age=28800; HttpOnly; SameSite=Strict$/);
  });

  it('serves a fresh resume URL and deletes user, attachment, blob and object, only when signed in', async () => {
    const pdf = makePdf('To be deleted');
    const applicant = await applyWithResume(pdf, { email: 'del@example.com', first_name: 'Del', last_name: 'Eted' });
    const id = applicant.body.id as string;
    const call = (handler: typeof resumeRoute, method: string, cookie?: string) =>
      handler(new Request(`${origin}/api/admin/applicants/${id}`, { method, headers: cookie ? { Cookie: `rd_admin=${cookie}` } : {} }), {
        params: Promise.resolve({ id }),
      });
    expect((await call(resumeRoute, 'GET')).status).toBe(401);
    expect((await call(deleteApplicantRoute, 'DELETE', 'forged')).status).toBe(401);

    const { cookie } = await session('correct horse battery staple');
    const view = await call(resumeRoute, 'GET', cookie);
    expect(view.status).toBe(302);
    const download = await getObject(view.headers.get('location')!);
    expect(Buffer.from(await download.arrayBuffer()).equals(pdf)).toBe(true);

    expect((await call(deleteApplicantRoute, 'DELETE', cookie)).status).toBe(200);
    expect(await countRows()).toEqual({ users: 0, blobs: 0, attachments: 0 });
    expect(await listStoredFiles()).toEqual([]);
    expect((await call(deleteApplicantRoute, 'DELETE', cookie)).status).toBe(404);
    await expectConsistent();
  });

  it('lists newest first, 20 a page, and searches names and emails', async () => {
    for (let n = 0; n < applicantsPerPage + 3; n += 1) {
      await createUser({ email: `person${n}@example.com`, first_name: n === 7 ? 'Ada' : 'Person', last_name: `Number${n}` });
    }
    const first = await listApplicants('', 1);
    expect(first.total).toBe(23);
    expect(first.rows).toHaveLength(20);
    expect(first.rows[0]?.email).toBe('person22@example.com');
    expect((await listApplicants('', 2)).rows.map((row) => row.email)).toEqual(['person2@example.com', 'person1@example.com', 'person0@example.com']);
    expect((await listApplicants('ada number7', 1)).rows.map((row) => row.email)).toEqual(['person7@example.com']);
    expect((await listApplicants('PERSON12@', 1)).total).toBe(1);
    expect((await listApplicants('100%', 1)).total).toBe(0);
  });

  it('gives the applicant a signed link to their own application', async () => {
    const created = await createUser({ email: 'own@example.com', first_name: 'Own', last_name: 'Page' });
    const path = created.headers.get('confirmation-location');
    // The token is in the fragment, which browsers never send to a server.
    expect(path).toMatch(/^\/applications#[\w-]+\.[\w-]+\.[\w-]+$/);
    const token = path!.split('#')[1]!;
    expect(await verifyConfirmationToken(token)).toBe(created.body.id);
    await expect(verifyConfirmationToken(`${token}x`)).rejects.toMatchObject({ code: 'invalid_application_link' });
  });
});
