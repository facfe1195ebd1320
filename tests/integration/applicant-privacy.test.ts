import { describe, expect, it } from 'vitest';
import { makePdf } from '../fixtures/pdf';
import { applyWithResume, createUser, fileRequest, presign } from '../support/api';
import { countRows } from '../support/state';

const ada = { email: 'ada@example.com', first_name: 'Ada', last_name: 'Lovelace' };

describe('POST /api/users tells nothing about other applicants without a real upload', () => {
  it('answers the same for a never-uploaded blob whether the email has applied or not', async () => {
    expect((await applyWithResume(makePdf(), ada)).status).toBe(200);
    const probe = await presign(fileRequest(makePdf('probe')));
    const taken = await createUser({ ...ada, email: 'ADA@example.com', pdf: probe.body.blob_signed_id });
    const fresh = await createUser({ ...ada, email: 'nobody@example.com', pdf: probe.body.blob_signed_id });
    expect(taken.status).toBe(422);
    expect(taken.body).toEqual(fresh.body);
    expect(taken.body.error.code).toBe('upload_incomplete');
    expect(await countRows()).toEqual({ users: 1, blobs: 2, attachments: 1 });
  });

  it('answers the same for a forged token whether the email has applied or not', async () => {
    expect((await applyWithResume(makePdf(), ada)).status).toBe(200);
    const taken = await createUser({ ...ada, pdf: 'eyJhbGciOiJIUzI1NiJ9.e30.AAAA' });
    const fresh = await createUser({ ...ada, email: 'nobody@example.com', pdf: 'eyJhbGciOiJIUzI1NiJ9.e30.AAAA' });
    expect(taken.status).toBe(422);
    expect(taken.body).toEqual(fresh.body);
  });

  it('still answers 409 email_taken once the upload is real, and keeps that upload usable', async () => {
    expect((await applyWithResume(makePdf(), ada)).status).toBe(200);
    const again = await applyWithResume(makePdf('again'), ada);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('email_taken');
  });
});
