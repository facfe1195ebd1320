import { describe, expect, it } from 'vitest';
import { closeDb } from '@/lib/database';
import { resetEnv } from '@/lib/env';
import { makePdf } from '../fixtures/pdf';
import { createUser, fileRequest, presign, putObject } from '../support/api';
import { countRows, expectConsistent, listStoredFiles } from '../support/state';

const ada = { email: 'ada@example.com', first_name: 'Ada', last_name: 'Lovelace' };

describe('faults on the disk service', () => {
  it('keeps nothing of an upload interrupted halfway, and the same URL then works', async () => {
    const pdf = makePdf('Interrupted', 300_000);
    const upload = await presign(fileRequest(pdf));
    const { url, headers } = upload.body.direct_upload;
    let sent = false;
    const halfThenFail = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (!sent) {
          sent = true;
          controller.enqueue(new Uint8Array(pdf.subarray(0, pdf.length / 2)));
        } else controller.error(new Error('connection reset by peer'));
      },
    });
    const interrupted = await putObject(url, headers, halfThenFail);
    expect(interrupted.status).toBe(400);
    expect((await interrupted.json()).error.code).toBe('upload_interrupted');
    expect(await listStoredFiles()).toEqual([]);

    expect((await putObject(url, headers, pdf)).status).toBe(200);
    expect((await createUser({ ...ada, pdf: upload.body.blob_signed_id })).status).toBe(200);
    await expectConsistent();
  });

  it('accepts a token after an app restart with the same secret, and refuses it with another', async () => {
    const pdf = makePdf();
    const upload = await presign(fileRequest(pdf));
    await putObject(upload.body.direct_upload.url, upload.body.direct_upload.headers, pdf);

    // A restart: configuration re-read and, with Postgres, the connection pool reopened (this suite's
    // PGlite lives in memory, so it is kept: an on-disk PGlite survives restarts like Postgres).
    if (process.env.TEST_DATABASE === 'postgres') await closeDb();
    resetEnv();
    const secret = process.env.BLOB_TOKEN_SECRET;
    process.env.BLOB_TOKEN_SECRET = 'a-different-secret-after-a-bad-deploy-0123456789';
    resetEnv();
    expect((await createUser({ ...ada, pdf: upload.body.blob_signed_id })).status).toBe(422);
    process.env.BLOB_TOKEN_SECRET = secret;
    resetEnv();
    const result = await createUser({ ...ada, pdf: upload.body.blob_signed_id });
    expect(result.status).toBe(200);
    expect(await countRows()).toEqual({ users: 1, blobs: 1, attachments: 1 });
    await expectConsistent();
  });
});
