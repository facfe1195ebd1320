import { randomBytes } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import { getEnv } from '@/lib/env';
import { checkStorage } from '@/lib/storage/doctor';
import { makePdf } from '../fixtures/pdf';
import { createUser, fileRequest, presign } from '../support/api';
import { s3Service, s3Settings } from '../support/s3';
import { countRows } from '../support/state';

const ada = { email: 'ada@example.com', first_name: 'Ada', last_name: 'Lovelace' };
const middlewareName = 'testRewriteHeadObject';

/**
 * Ceph stores the object for real; its HEAD answer is then made to read as AWS's for a bucket with
 * SSE-KMS default encryption: an ETag that is not the MD5 of the bytes, and the encryption header.
 */
function answerHeadAs(client: S3Client, headers: Record<string, string>) {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      if (context.commandName === 'HeadObjectCommand') Object.assign((result.response as { headers: Record<string, string> }).headers, headers);
      return result;
    },
    // Inside the deserializer, so that the SDK parses the rewritten headers as it would AWS's.
    { step: 'deserialize', priority: 'low', name: middlewareName },
  );
}

const kmsHeaders = () => ({
  etag: `"${randomBytes(16).toString('hex')}"`,
  'x-amz-server-side-encryption': 'aws:kms',
  'x-amz-server-side-encryption-aws-kms-key-id': 'arn:aws:kms:eu-west-1:111122223333:key/test',
});

async function uploadedPdf() {
  const pdf = makePdf('Ada with KMS');
  const upload = await presign(fileRequest(pdf));
  expect(upload.status).toBe(200);
  const { url, headers } = upload.body.direct_upload;
  expect((await fetch(url, { method: 'PUT', headers, body: new Uint8Array(pdf) })).status).toBe(200);
  return upload.body.blob_signed_id as string;
}

describe.skipIf(!s3Settings())('buckets with SSE-KMS default encryption', () => {
  afterEach(() => {
    s3Service().client.middlewareStack.remove(middlewareName);
  });

  it('attaches an upload whose ETag is not its MD5 because the object is KMS-encrypted', async () => {
    const token = await uploadedPdf();
    answerHeadAs(s3Service().client, kmsHeaders());
    const user = await createUser({ ...ada, pdf: token });
    expect(user.status).toBe(200);
    expect(await countRows()).toEqual({ users: 1, blobs: 1, attachments: 1 });
  });

  it('still refuses a plain object whose ETag is not the MD5 that was signed', async () => {
    const token = await uploadedPdf();
    answerHeadAs(s3Service().client, { etag: `"${randomBytes(16).toString('hex')}"` });
    const user = await createUser({ ...ada, pdf: token });
    expect(user.status).toBe(422);
    expect(user.body.error.code).toBe('upload_corrupted');
  });

  it('says in storage:check that the MD5 is checked by S3 at upload', async () => {
    answerHeadAs(s3Service().client, kmsHeaders());
    const roundTrip = (await checkStorage(getEnv())).find((result) => result.name === 'round-trip');
    expect(roundTrip).toMatchObject({ status: 'pass', message: expect.stringContaining('aws:kms encryption, whose ETag is not their MD5') });
  });
});
