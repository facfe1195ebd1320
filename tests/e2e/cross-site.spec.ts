import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from '@playwright/test';
import { makePdf } from '../fixtures/pdf';
import { applyByApi, uniqueEmail } from './helpers';

// Another site, on this machine so that the browser lets it reach the app at 127.0.0.1: a page on
// `localhost` is another site than `127.0.0.1`.
let otherSite: Server;
test.beforeAll(async () => {
  otherSite = createServer((_request, response) => {
    response.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><title>Another site</title>');
  });
  await new Promise<void>((resolve) => otherSite.listen(0, '127.0.0.1', resolve));
});
test.afterAll(async () => {
  await new Promise((resolve) => otherSite.close(resolve));
});

// Its page makes the visitor's browser post an application: a "simple" request (text/plain,
// no-cors), which the browser sends without asking the API first (no preflight).
test('another site cannot post an application through its visitor’s browser', async ({ page, baseURL }) => {
  await page.goto(`http://localhost:${(otherSite.address() as AddressInfo).port}/`);
  const email = uniqueEmail('cross-site');
  const answered = page.waitForResponse((response) => response.url() === `${baseURL}/api/users`);
  await page.evaluate(
    async ({ target, email }) => {
      await fetch(`${target}/api/users`, {
        method: 'POST',
        mode: 'no-cors',
        headers: { 'Content-Type': 'text/plain' },
        body: JSON.stringify({ email, first_name: 'Cross', last_name: 'Site' }),
      });
    },
    { target: baseURL!, email },
  );
  // The browser did send it (the page cannot read the answer; Playwright can).
  expect((await answered).status()).toBe(403);

  // Nothing was created: the real applicant can still apply with that address.
  const direct = await applyByApi(page.request, { email, first_name: 'Real', last_name: 'Applicant' }, makePdf('Real applicant'));
  expect(direct.status()).toBe(200);
});
