import { createHash } from 'node:crypto';
import { expect, test } from '@playwright/test';
import { makePdf } from '../fixtures/pdf';
import { uniqueEmail } from './helpers';

// The Rails tutorial's frontend, reduced to its three requests: it must work unchanged against us.
test("the tutorial's client flow works from the browser with fetch @storage", async ({ page }) => {
  const pdf = makePdf('Tutorial client');
  const checksum = createHash('md5').update(pdf).digest('base64');
  await page.goto('/');

  const result = await page.evaluate(
    async ({ bytes, checksum, email }) => {
      const file = new File([new Uint8Array(bytes)], 'resume.pdf', { type: 'application/pdf' });
      const presignResponse = await fetch('/api/direct-uploads', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          file: { filename: file.name, byte_size: file.size, checksum, content_type: 'application/pdf', metadata: { message: 'resume for parsing' } },
        }),
      });
      if (presignResponse.status !== 200) throw new Error(`presign ${presignResponse.status}`);
      const presign = await presignResponse.json();
      const put = await fetch(presign.direct_upload.url, { method: 'PUT', headers: presign.direct_upload.headers, body: file });
      if (put.status !== 200) throw new Error(`PUT ${put.status}`);
      const userResponse = await fetch('/api/users', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ email, first_name: 'Tutorial', last_name: 'Client', pdf: presign.blob_signed_id }),
      });
      const user = await userResponse.json();
      const download = await fetch(user.resume_url);
      return { status: userResponse.status, user, bytes: [...new Uint8Array(await download.arrayBuffer())] };
    },
    { bytes: [...pdf], checksum, email: uniqueEmail('tutorial') },
  );

  expect(result.status).toBe(200);
  expect(result.user).toMatchObject({ first_name: 'Tutorial', last_name: 'Client' });
  expect(Buffer.from(result.bytes).equals(pdf)).toBe(true);
});
