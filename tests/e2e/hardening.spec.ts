import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { makePdf } from '../fixtures/pdf';

// The e2e server trusts one proxy hop, so a request's own X-Forwarded-For stands for the address a
// proxy saw: each test plays clients of its own.

test('failed sign-ins from one address are stopped with 429 and Retry-After, the right password too', async ({ request }) => {
  const address = `198.51.100.${10 + Math.floor(Math.random() * 200)}`;
  const signIn = (password: string) =>
    request.post('/api/admin/session', { form: { password }, headers: { 'X-Forwarded-For': address }, maxRedirects: 0 });
  const statuses: number[] = [];
  for (let n = 0; n < 30; n += 1) statuses.push((await signIn(`guess-${n}`)).status());
  expect(statuses.slice(0, 10)).toEqual(Array(10).fill(303));
  expect(statuses.slice(10)).toEqual(Array(20).fill(429));
  const locked = await signIn('e2e-admin-password');
  expect(locked.status()).toBe(429);
  expect(Number(locked.headers()['retry-after'])).toBeGreaterThan(0);
  expect(locked.headers()['set-cookie']).toBeUndefined();
});

test('the sign-in page says when sign-ins are locked, in a sentence', async ({ page }) => {
  await page.setExtraHTTPHeaders({ 'X-Forwarded-For': `198.51.100.${210 + Math.floor(Math.random() * 40)}` });
  await page.goto('/admin/login');
  for (let n = 0; n < 10; n += 1) {
    await page.getByLabel('Password').fill(`guess-${n}`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').filter({ hasText: 'That password is not right.' })).toBeVisible();
  }
  await page.getByLabel('Password').fill('e2e-admin-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert').filter({ hasText: /^Too many failed sign-ins\. Please try again in \d+ seconds\.$/ })).toBeVisible();
  await expect(page).toHaveURL(/\/admin\/login$/);
});

test('the public health check says ok or unavailable per check, nothing more', async ({ request }) => {
  const response = await request.get('/api/health');
  expect(response.status()).toBe(200);
  expect(await response.json()).toEqual({ status: 'ok', checks: { database: 'ok', storage: 'ok' } });
  // The recruiter password does not open the storage doctor.
  const deep = await request.get('/api/health?deep=1', { headers: { Authorization: 'Bearer e2e-admin-password' } });
  expect(deep.status()).toBe(403);
});

/** Spawns `next start` in production on port 3151 with `settings`, on its own PGlite and disk. */
function spawnProduction(settings: Record<string, string>) {
  const data = mkdtempSync(path.join(os.tmpdir(), 'resume-drop-config-'));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    NEXT_TELEMETRY_DISABLED: '1',
    NODE_ENV: 'production',
    BLOB_TOKEN_SECRET: 'end-to-end-test-secret-0123456789-abcdefghijklmnop',
    PGLITE_DIR: path.join(data, 'pglite'),
    STORAGE_ROOT: path.join(data, 'storage'),
    ...settings,
  };
  const child = spawn(process.execPath, [path.resolve('node_modules/next/dist/bin/next'), 'start', '-H', '127.0.0.1', '-p', '3151'], { env });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const stop = async () => {
    clearTimeout(timer);
    if (child.exitCode === null) child.kill('SIGTERM');
    const code = await exited;
    rmSync(data, { recursive: true, force: true });
    return { code, output };
  };
  return { exited, stop, output: () => output };
}

/** Runs `next start` in production with `settings` and returns how it ended and what it said. */
async function startProduction(settings: Record<string, string>) {
  const server = spawnProduction(settings);
  await server.exited;
  return server.stop();
}

// Its own server: the shared e2e servers raise the rate limits for the suite, and this needs the
// default limit of 20 presigns per address.
test('made-up X-Forwarded-For values share one bucket instead of each getting a fresh one', async ({ playwright }) => {
  const origin = 'http://127.0.0.1:3151';
  const server = spawnProduction({ APP_URL: origin, TRUSTED_PROXY_HOPS: '1' });
  const request = await playwright.request.newContext({ baseURL: origin });
  try {
    await expect.poll(async () => (await request.get('/api/health').catch(() => null))?.status() ?? 0, { timeout: 60_000 }).toBe(200);
    const pdf = makePdf('forwarded');
    const body = { file: { filename: 'cv.pdf', byte_size: pdf.length, checksum: createHash('md5').update(pdf).digest('base64'), content_type: 'application/pdf', metadata: {} } };
    const statuses: number[] = [];
    for (let n = 1; n <= 25; n += 1) {
      statuses.push((await request.post('/api/direct-uploads', { data: body, headers: { 'X-Forwarded-For': `not-an-ip-${n}` } })).status());
    }
    expect(statuses.filter((status) => status === 200)).toHaveLength(20);
    expect(statuses.slice(20)).toEqual(Array(5).fill(429));
  } finally {
    await request.dispose();
    await server.stop();
  }
});

test('production refuses to start without APP_URL and TRUSTED_PROXY_HOPS, saying what they mean', async () => {
  const { code, output } = await startProduction({});
  expect(code).toBe(1);
  expect(output).toContain('APP_URL is required in production');
  expect(output).toContain('TRUSTED_PROXY_HOPS is required in production outside Heroku and Vercel: the number of proxies');
});

test('production refuses to start with an ADMIN_PASSWORD under 16 characters, naming it', async () => {
  const { code, output } = await startProduction({ APP_URL: 'https://apply.example', DYNO: 'web.1', ADMIN_PASSWORD: 'short-password' });
  expect(code).toBe(1);
  expect(output).toContain('ADMIN_PASSWORD: must be at least 16 characters');
});
