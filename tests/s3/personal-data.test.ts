import { eq, sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { POST as withdrawRoute } from '@/app/api/applications/withdraw/route';
import { attachments, blobs, users } from '@/db/schema';
import { listApplicants } from '@/lib/admin/applicants';
import { getDb } from '@/lib/database';
import { resetEnv } from '@/lib/env';
import { applyRetention } from '@/lib/privacy/retention';
import {
  createBucket,
  listKeys,
  s3Client,
  startGateway,
  stopGateway,
} from '@/scripts/harness/s3.mjs';
import { makeTextPdf } from '../fixtures/pdf-documents';
import { createUser, fileRequest, jsonRequest, presign } from '../support/api';
import { getTestBucket } from '../support/integration-setup';
import { runQueuedAnalyses } from '../support/jobs';
import { s3Settings, s3Skipped } from '../support/s3';
import { countRows } from '../support/state';

const resumeWord = 'Quetzalcoatlite';
const resume = makeTextPdf([['Grace Tester', `Ran ${resumeWord} clusters`]], { title: 'CV' });

/** The tutorial's flow against the bucket, then the analysis (the preview is stored beside the resume). */
async function applyAndAnalyze(email: string) {
  const upload = await presign(fileRequest(resume));
  const { url, headers } = upload.body.direct_upload;
  expect((await fetch(url, { method: 'PUT', headers, body: new Uint8Array(resume) })).status).toBe(
    200,
  );
  const created = await createUser({
    email,
    first_name: 'Grace',
    last_name: 'Tester',
    pdf: upload.body.blob_signed_id,
  });
  expect(created.status).toBe(200);
  expect(await runQueuedAnalyses()).toMatchObject({ completed: 1, failed: 0 });
  return {
    userId: created.body.id as string,
    token: created.headers.get('confirmation-location')!.split('#')[1]!,
    resumeUrl: created.body.resume_url as string,
  };
}

const bucketKeys = () => listKeys(s3Client(s3Settings()), getTestBucket());

async function age(userId: string, days: number) {
  const db = await getDb();
  await db
    .update(users)
    .set({ createdAt: sql`now() - make_interval(days => ${days})` })
    .where(eq(users.id, userId));
}

async function expectNothingLeft() {
  expect(await countRows()).toEqual({ users: 0, blobs: 0, attachments: 0 });
  expect(await bucketKeys()).toEqual([]);
  expect((await listApplicants(resumeWord, 1)).total).toBe(0);
}

describe.skipIf(s3Skipped())('personal data on S3 (Ceph) and Postgres', () => {
  afterEach(() => {
    resetEnv();
  });

  it('withdrawal leaves no object, variant, row or search hit; the signed resume link answers 404', async () => {
    const { token, resumeUrl } = await applyAndAnalyze('grace@example.com');
    expect(await bucketKeys()).toHaveLength(2);
    const response = await withdrawRoute(jsonRequest('/api/applications/withdraw', { token }), {
      params: Promise.resolve({}),
    } as never);
    expect(response.status).toBe(200);
    await expectNothingLeft();
    expect((await fetch(resumeUrl)).status).toBe(404);
  });

  it('with storage unreachable, retention keeps the applicant and its objects, and deletes both on the next run', async () => {
    const { userId } = await applyAndAnalyze('grace@example.com');
    await age(userId, 400);
    const endpoint = process.env.S3_ENDPOINT;
    process.env.S3_ENDPOINT = 'http://127.0.0.1:1';
    resetEnv();
    try {
      expect(await applyRetention()).toMatchObject({ deleted: 0, failed: 1 });
    } finally {
      process.env.S3_ENDPOINT = endpoint;
      resetEnv();
    }
    // Never a row before its objects: both are still there.
    expect(await countRows()).toEqual({ users: 1, blobs: 1, attachments: 1 });
    expect(await bucketKeys()).toHaveLength(2);
    expect(await applyRetention()).toMatchObject({ deleted: 1, failed: 0 });
    await expectNothingLeft();
  });

  it('with the Ceph gateway stopped, retention keeps the applicant; once it is back the next run deletes it', async () => {
    const { userId } = await applyAndAnalyze('grace@example.com');
    await age(userId, 400);
    expect(stopGateway()).toBe(true);
    try {
      expect(await applyRetention()).toMatchObject({ deleted: 0, failed: 1 });
      const db = await getDb();
      const [kept] = await db
        .select({ state: blobs.state })
        .from(blobs)
        .innerJoin(attachments, eq(attachments.blobId, blobs.id));
      expect(kept).toEqual({ state: 'erasing' });
      expect(await countRows()).toEqual({ users: 1, blobs: 1, attachments: 1 });
    } finally {
      // The test server keeps objects in memory: it comes back empty, and the bucket is made again.
      expect(startGateway({ region: s3Settings().region }).state).toBe('ready');
      await createBucket(s3Client(s3Settings()), getTestBucket());
    }
    expect(await applyRetention()).toMatchObject({ deleted: 1, failed: 0 });
    await expectNothingLeft();
  });
});
