import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { resetEnv } from '@/lib/env';
import { makePdf } from '../fixtures/pdf';
import { createUser, fileRequest, origin, presign } from '../support/api';
import { countRows } from '../support/state';

// These tests also send applications without a resume: the tutorial's optional `pdf`.
beforeAll(() => {
  process.env.RESUME_REQUIRED = 'false';
  resetEnv();
});

const ada = { email: 'ada@example.com', first_name: 'Ada', last_name: 'Lovelace' };
const endpoints = [
  ['POST /api/users', (headers: Record<string, string>) => createUser(ada, headers)],
  ['POST /api/direct-uploads', (headers: Record<string, string>) => presign(fileRequest(makePdf()), headers)],
] as const;

describe('what the JSON endpoints accept', () => {
  afterEach(() => {
    delete process.env.ALLOWED_ORIGINS;
    resetEnv();
  });

  describe.each(endpoints)('%s', (_name, send) => {
    it.each([['text/plain'], ['application/x-www-form-urlencoded'], ['multipart/form-data; boundary=x'], ['']])(
      'refuses Content-Type %j with 415 and writes nothing (a simple request needs no preflight)',
      async (contentType) => {
        const result = await send({ 'Content-Type': contentType });
        expect(result.status).toBe(415);
        expect(result.body.error.code).toBe('unsupported_media_type');
        expect(await countRows()).toEqual({ users: 0, blobs: 0, attachments: 0 });
      },
    );

    it('takes application/json with a charset', async () => {
      expect((await send({ 'Content-Type': 'application/json; charset=utf-8' })).status).toBe(200);
    });

    it.each([
      ['another Origin', { Origin: 'https://evil.example' }],
      ['Origin null (sandboxed frame)', { Origin: 'null' }],
      ['Sec-Fetch-Site: cross-site', { 'Sec-Fetch-Site': 'cross-site' }],
      ['a cross-site request with a foreign Origin', { Origin: 'https://evil.example', 'Sec-Fetch-Site': 'cross-site' }],
    ])('refuses %s with 403 and writes nothing', async (_case, headers) => {
      const result = await send(headers);
      expect(result.status).toBe(403);
      expect(result.body.error.code).toBe('cross_site_request');
      expect(await countRows()).toEqual({ users: 0, blobs: 0, attachments: 0 });
    });

    it.each([
      ['no Origin and no Sec-Fetch-Site (curl, servers)', {}],
      ["the app's own origin", { Origin: origin, 'Sec-Fetch-Site': 'same-origin' }],
      ['a same-site request without Origin', { 'Sec-Fetch-Site': 'same-site' }],
    ])('accepts %s', async (_case, headers) => {
      expect((await send(headers)).status).toBe(200);
    });

    it('accepts an origin listed in ALLOWED_ORIGINS', async () => {
      process.env.ALLOWED_ORIGINS = 'https://careers.example, https://jobs.example';
      resetEnv();
      expect((await send({ Origin: 'https://jobs.example', 'Sec-Fetch-Site': 'cross-site' })).status).toBe(200);
      expect((await send({ Origin: 'https://evil.example' })).status).toBe(403);
    });
  });

  it('uses APP_URL as the app origin when it is set', async () => {
    process.env.APP_URL = 'https://apply.example';
    resetEnv();
    try {
      expect((await createUser(ada, { Origin: 'https://apply.example' })).status).toBe(200);
      expect((await createUser({ ...ada, email: 'b@example.com' }, { Origin: origin })).status).toBe(403);
    } finally {
      delete process.env.APP_URL;
    }
  });
});
