import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';

test('pages carry a nonce-based CSP without unsafe-eval, and framing is refused', async ({ page }) => {
  const response = await page.goto('/');
  const headers = response!.headers();
  const csp = headers['content-security-policy'] ?? '';
  const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
  expect(nonce).toBeTruthy();
  expect(csp).not.toContain('unsafe-eval');
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toContain("object-src 'none'");
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
  expect(headers['x-frame-options']).toBe('DENY');

  // Every script Next.js put in the page carries this response's nonce, so the CSP lets it run.
  const scripts = await page.locator('script').evaluateAll((elements) => elements.map((element) => (element as HTMLScriptElement).nonce));
  expect(scripts.length).toBeGreaterThan(0);
  expect(scripts.every((value) => value === nonce)).toBe(true);

  // A second request gets another nonce.
  const again = await page.request.get('/');
  expect(again.headers()['content-security-policy']).not.toContain(nonce!);
});

test('API answers are never rendered as documents', async ({ page }) => {
  const response = await page.request.post('/api/users', { data: Buffer.from('{"oops"'), headers: { 'Content-Type': 'application/json' } });
  expect(response.status()).toBe(400);
  expect(response.headers()['content-type']).toContain('application/json');
  expect(response.headers()['x-content-type-options']).toBe('nosniff');
  expect(response.headers()['content-security-policy']).toContain("default-src 'none'");
  expect(await response.json()).toEqual({ error: { code: 'malformed_json', message: 'The request body is not valid JSON.' } });
});

test('the browser bundle holds no server-only module and no secret', async () => {
  const root = path.resolve('.next', 'static');
  const files = readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.(js|css|json|map)$/.test(entry.name))
    .map((entry) => path.join(entry.parentPath, entry.name));
  expect(files.length).toBeGreaterThan(0);
  const bundle = files.map((file) => readFileSync(file, 'utf8')).join('\n');
  // Markers of modules that must stay on the server: the signing key, the database, the AWS SDK.
  for (const marker of ['blob-token-secret', 'BLOB_TOKEN_SECRET', 'DATABASE_URL', 'AWS_SECRET_ACCESS_KEY', 'drizzle-orm', '@electric-sql/pglite', 'S3Client', 'getSignedUrl', 'end-to-end-test-secret']) {
    expect(bundle, `.next/static contains ${marker}`).not.toContain(marker);
  }
  // The browser side that should be there is there.
  expect(bundle).toContain('/api/direct-uploads');
});
