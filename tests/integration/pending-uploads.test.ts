import { mkdir, readdir, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { getDb } from '@/lib/db';
import { blobs } from '@/db/schema';
import { verifyBlobToken } from '@/lib/blobs/blob-token';
import { purgeUnattachedBlobs } from '@/lib/blobs/purge-unattached';
import { resetEnv } from '@/lib/env';
import { makePdf } from '../fixtures/pdf';
import { applyWithResume, fileRequest, presign, putObject } from '../support/api';
import { getStorageRoot } from '../support/integration-setup';
import { countRows, listStoredFiles } from '../support/state';

const from = (address: string) => ({ 'X-Forwarded-For': address });

async function presignedBlob(options: { upload?: boolean; address?: string; byteSize?: number } = {}) {
  const pdf = makePdf();
  const body = fileRequest(pdf, options.byteSize ? { byte_size: options.byteSize } : {});
  const result = await presign(body, from(options.address ?? '198.51.100.1'));
  if (result.status !== 200) return { result, id: undefined };
  if (options.upload) await putObject(result.body.direct_upload.url, result.body.direct_upload.headers, pdf);
  return { result, id: await verifyBlobToken(result.body.blob_signed_id) };
}

async function ageMinutes(id: string, minutes: number) {
  const db = await getDb();
  await db.update(blobs).set({ createdAt: sql`now() - make_interval(mins => ${minutes})` }).where(eq(blobs.id, id));
}

async function blobRow(id: string) {
  const db = await getDb();
  return (await db.select().from(blobs).where(eq(blobs.id, id)))[0];
}

function setEnv(values: Record<string, string>) {
  Object.assign(process.env, values);
  resetEnv();
}

describe('metadata is bounded', () => {
  it('takes up to 10 keys and 1 KiB, and answers 400 naming metadata beyond', async () => {
    const ten = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`k${i}`, 'v']));
    expect((await presign(fileRequest(makePdf(), { metadata: ten }))).status).toBe(200);
    expect((await presign(fileRequest(makePdf(), { metadata: { note: 'x'.repeat(1020) } }))).status).toBe(200);

    const eleven = await presign(fileRequest(makePdf(), { metadata: { ...ten, k10: 'v' } }));
    expect(eleven.status).toBe(400);
    expect(eleven.body.error.fields).toEqual({ 'file.metadata': 'has more than 10 entries' });
    const large = await presign(fileRequest(makePdf(), { metadata: { note: 'x'.repeat(1021) } }));
    expect(large.status).toBe(400);
    expect(large.body.error.fields['file.metadata']).toContain('1024 bytes');
    const multibyte = await presign(fileRequest(makePdf(), { metadata: { a: 'é'.repeat(512) } }));
    expect(multibyte.status).toBe(400);
    expect(await countRows()).toMatchObject({ blobs: 2 });
  });
});

describe('abandoned uploads and leftovers are purged soon, not after 48 hours', () => {
  it('purges blobs whose upload URL expired without an object, keeps uploaded and recent ones', async () => {
    const abandoned = await presignedBlob();
    const uploaded = await presignedBlob({ upload: true });
    const recent = await presignedBlob();
    // UPLOAD_URL_EXPIRES_IN is 300 s; the purge waits 15 more minutes for PUTs still in flight.
    await ageMinutes(abandoned.id!, 21);
    await ageMinutes(uploaded.id!, 21);
    await ageMinutes(recent.id!, 19);

    expect(await purgeUnattachedBlobs()).toEqual({ purged: 0, abandoned: 1, temporaryFiles: 0, failed: 0, olderThanHours: 48 });
    expect(await blobRow(abandoned.id!)).toBeUndefined();
    expect(await blobRow(uploaded.id!)).toMatchObject({ state: 'pending', objectSeenAt: expect.any(Date) });
    expect(await blobRow(recent.id!)).toMatchObject({ state: 'pending', objectSeenAt: null });
    expect(await listStoredFiles()).toHaveLength(1);
    expect(await purgeUnattachedBlobs()).toMatchObject({ purged: 0, abandoned: 0, failed: 0 });
  });

  it("removes the disk service's temporary files left by interrupted uploads, not those being written", async () => {
    const folder = path.join(getStorageRoot(), 'tmp');
    await mkdir(folder, { recursive: true });
    await writeFile(path.join(folder, 'stale.part'), 'half an upload');
    await writeFile(path.join(folder, 'live.part'), 'an upload in progress');
    const anHourAgo = new Date(Date.now() - 3600_000);
    await utimes(path.join(folder, 'stale.part'), anHourAgo, anHourAgo);

    expect(await purgeUnattachedBlobs()).toMatchObject({ temporaryFiles: 1, failed: 0 });
    expect(await readdir(folder)).toEqual(['live.part']);
  });
});

describe('pending upload bytes are capped per client address and in total', () => {
  afterEach(() => {
    for (const name of ['MAX_UPLOAD_BYTES', 'PENDING_UPLOAD_BYTES_PER_CLIENT', 'PENDING_UPLOAD_BYTES_TOTAL']) delete process.env[name];
    resetEnv();
  });

  it('answers 429 past the per-address ceiling, for that address only, and frees it once abandoned uploads expire', async () => {
    setEnv({ MAX_UPLOAD_BYTES: '100000', PENDING_UPLOAD_BYTES_PER_CLIENT: '250000', PENDING_UPLOAD_BYTES_TOTAL: '0' });
    const first = await presignedBlob({ byteSize: 100_000 });
    await presignedBlob({ byteSize: 100_000 });
    const refused = await presignedBlob({ byteSize: 100_000 });
    expect(refused.result.status).toBe(429);
    expect(refused.result.body.error.code).toBe('too_many_pending_uploads');
    expect(refused.result.body.error.message).toMatch(/hold 195 KB; the limit is 244 KB\./);
    expect((await presignedBlob({ byteSize: 50_000 })).result.status).toBe(200);
    expect((await presignedBlob({ byteSize: 100_000, address: '198.51.100.2' })).result.status).toBe(200);
    expect((await countRows()).blobs).toBe(4);

    await ageMinutes(first.id!, 21);
    expect((await presignedBlob({ byteSize: 100_000 })).result.status).toBe(200);
    expect(await blobRow(first.id!)).toBeUndefined();
  });

  it('counts an uploaded, unattached file until it is attached', async () => {
    setEnv({ MAX_UPLOAD_BYTES: '100000', PENDING_UPLOAD_BYTES_PER_CLIENT: '100000', PENDING_UPLOAD_BYTES_TOTAL: '0' });
    const uploaded = await presignedBlob({ upload: true });
    await ageMinutes(uploaded.id!, 30);
    expect((await presignedBlob({ byteSize: 100_000 })).result.status).toBe(429);
    expect(await blobRow(uploaded.id!)).toMatchObject({ state: 'pending' });
  });

  it('answers 503 past the total ceiling, whatever the address', async () => {
    setEnv({ MAX_UPLOAD_BYTES: '100000', PENDING_UPLOAD_BYTES_PER_CLIENT: '0', PENDING_UPLOAD_BYTES_TOTAL: '300000' });
    for (const address of ['198.51.100.1', '198.51.100.2', '198.51.100.3']) {
      expect((await presignedBlob({ byteSize: 100_000, address })).result.status).toBe(200);
    }
    const refused = await presignedBlob({ byteSize: 100_000, address: '198.51.100.4' });
    expect(refused.result.status).toBe(503);
    expect(refused.result.body.error.code).toBe('pending_uploads_full');
    expect((await countRows()).blobs).toBe(3);
  });

  it('records every presign when both ceilings are 0 (none)', async () => {
    setEnv({ MAX_UPLOAD_BYTES: '100000', PENDING_UPLOAD_BYTES_PER_CLIENT: '0', PENDING_UPLOAD_BYTES_TOTAL: '0' });
    for (let n = 0; n < 4; n += 1) expect((await presignedBlob({ byteSize: 100_000 })).result.status).toBe(200);
    expect((await countRows()).blobs).toBe(4);
  });

  it('forgets the client address once the blob is attached', async () => {
    const result = await applyWithResume(makePdf(), { email: 'ada@example.com', first_name: 'Ada', last_name: 'Lovelace' });
    expect(result.status).toBe(200);
    const db = await getDb();
    expect((await db.select().from(blobs))[0]).toMatchObject({ state: 'attached', clientAddress: null });
  });
});
