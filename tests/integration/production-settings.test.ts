import { NextRequest } from 'next/server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { POST as postDirectUpload } from '@/app/api/direct-uploads/route';
import { GET as health } from '@/app/api/health/route';
import { resetEnv } from '@/lib/env';
import { proxy } from '@/proxy';
import { makePdf } from '../fixtures/pdf';
import { fileRequest, origin } from '../support/api';

const noParams = { params: Promise.resolve({}) };
const hsts = 'max-age=63072000; includeSubDomains';

let saved = { ...process.env };
function configure(settings: Record<string, string>) {
  Object.assign(process.env, settings);
  resetEnv();
}
beforeEach(() => {
  saved = { ...process.env };
});
afterEach(() => {
  process.env = { ...saved };
  resetEnv();
});

describe('Strict-Transport-Security', () => {
  const answers = async () => ({
    api: (await health(new Request(`${origin}/api/health`), noParams)).headers.get('strict-transport-security'),
    apiError: (await health(new Request(`${origin}/api/health?deep=1`), noParams)).headers.get('strict-transport-security'),
    page: proxy(new NextRequest(`${origin}/admin/login`)).headers.get('strict-transport-security'),
  });

  it('is sent on pages and API answers in production when APP_URL is https', async () => {
    configure({ NODE_ENV: 'production', APP_URL: 'https://apply.example' });
    expect(await answers()).toEqual({ api: hsts, apiError: hsts, page: hsts });
  });

  it('is not sent for an http APP_URL, nor outside production', async () => {
    configure({ NODE_ENV: 'production', APP_URL: 'http://127.0.0.1:3100' });
    expect(await answers()).toEqual({ api: null, apiError: null, page: null });
    configure({ NODE_ENV: 'test', APP_URL: 'https://apply.example' });
    expect(await answers()).toEqual({ api: null, apiError: null, page: null });
  });
});

describe('links in production', () => {
  it('are built from APP_URL, never from the Host or X-Forwarded-Host the client sent', async () => {
    configure({ NODE_ENV: 'production', APP_URL: 'https://apply.example' });
    const request = new Request(`${origin}/api/direct-uploads`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Host: 'evil.example', 'X-Forwarded-Host': 'evil.example', 'X-Forwarded-Proto': 'http' },
      body: JSON.stringify(fileRequest(makePdf())),
    });
    const response = await postDirectUpload(request, noParams);
    expect(response.status).toBe(200);
    expect((await response.json()).direct_upload.url).toMatch(/^https:\/\/apply\.example\/api\/storage\/disk\//);
  });
});
