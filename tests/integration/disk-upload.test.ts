import { readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { getEnv, resetEnv } from '@/lib/env';
import { getStorage } from '@/lib/storage';
import { DiskStorageService } from '@/lib/storage/disk';
import { signToken } from '@/lib/signed-token';
import { checkStorage } from '@/lib/storage/doctor';
import { GET as getDiskObject } from '@/app/api/storage/disk/[token]/route';
import { makePdf } from '../fixtures/pdf';
import { applyWithResume, fileRequest, getObject, md5, origin, presign, putObject } from '../support/api';
import { getStorageRoot } from '../support/integration-setup';
import { listStoredFiles } from '../support/state';

async function signedUpload(bytes: Buffer) {
  const result = await presign(fileRequest(bytes, { filename: 'Résumé – 履歴書.pdf' }));
  expect(result.status).toBe(200);
  return result.body.direct_upload as { url: string; headers: Record<string, string> };
}

describe('PUT /api/storage/disk/[token]', () => {
  it('stores the right bytes and answers 200 with an empty body, as S3 does', async () => {
    const pdf = makePdf();
    const { url, headers } = await signedUpload(pdf);
    const response = await putObject(url, headers, pdf);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
    expect(await listStoredFiles()).toHaveLength(1);
  });

  it('refuses a body with one byte changed (422) and keeps no file', async () => {
    const pdf = makePdf();
    const { url, headers } = await signedUpload(pdf);
    const tampered = Buffer.from(pdf);
    tampered[20] = (tampered[20] ?? 0) ^ 0xff;
    const response = await putObject(url, headers, tampered);
    expect(response.status).toBe(422);
    expect((await response.json()).error.code).toBe('checksum_mismatch');
    expect(await listStoredFiles()).toEqual([]);
  });

  it('refuses a longer body and a shorter body, keeping no file', async () => {
    const pdf = makePdf();
    const { url, headers } = await signedUpload(pdf);
    const longer = await putObject(url, headers, Buffer.concat([pdf, Buffer.from('extra')]));
    expect(longer.status).toBe(422);
    expect((await longer.json()).error.code).toBe('length_mismatch');
    const shorter = await putObject(url, headers, pdf.subarray(0, pdf.length - 1));
    expect(shorter.status).toBe(422);
    expect(await listStoredFiles()).toEqual([]);
  });

  it('refuses another Content-Type with 415', async () => {
    const pdf = makePdf();
    const { url, headers } = await signedUpload(pdf);
    const response = await putObject(url, { ...headers, 'Content-Type': 'text/html' }, pdf);
    expect(response.status).toBe(415);
    expect(await listStoredFiles()).toEqual([]);
  });

  it('refuses a Content-MD5 header that is not the signed one', async () => {
    const pdf = makePdf();
    const { url, headers } = await signedUpload(pdf);
    const response = await putObject(url, { ...headers, 'Content-MD5': md5('other') }, pdf);
    expect(response.status).toBe(422);
    expect(await listStoredFiles()).toEqual([]);
  });

  it('cannot overwrite an uploaded object (412)', async () => {
    const pdf = makePdf();
    const { url, headers } = await signedUpload(pdf);
    expect((await putObject(url, headers, pdf)).status).toBe(200);
    const again = await putObject(url, headers, pdf);
    expect(again.status).toBe(412);
    expect(await listStoredFiles()).toHaveLength(1);
  });

  it('refuses a forged token and an expired one with 403', async () => {
    const pdf = makePdf();
    const { url, headers } = await signedUpload(pdf);
    const [head, payload] = url.slice(url.lastIndexOf('/') + 1).split('.');
    const forged = await putObject(`${origin}/api/storage/disk/${head}.${payload}.c2lnbmF0dXJl`, headers, pdf);
    expect(forged.status).toBe(403);
    expect((await forged.json()).error.code).toBe('invalid_signature');

    const claims = { key: 'a'.repeat(28), contentType: 'application/pdf', byteSize: pdf.length, checksum: md5(pdf) };
    const expiredToken = await signToken('disk_upload', { ...claims, exp: Math.floor(Date.now() / 1000) - 10 }, -10);
    const expired = await putObject(`${origin}/api/storage/disk/${expiredToken}`, headers, pdf);
    expect(expired.status).toBe(403);
    expect((await expired.json()).error.code).toBe('url_expired');
    expect(await listStoredFiles()).toEqual([]);
  });

  it('refuses a token we signed whose claims are not an upload’s or a download’s (403)', async () => {
    const pdf = makePdf();
    const { headers } = await signedUpload(pdf);
    const claims = { key: 'a'.repeat(28), contentType: 'application/pdf', byteSize: pdf.length, checksum: md5(pdf) };
    for (const bad of [{ ...claims, byteSize: String(pdf.length) }, { ...claims, key: undefined }, { sub: 'someone' }]) {
      const token = await signToken('disk_upload', bad, 60);
      const put = await putObject(`${origin}/api/storage/disk/${token}`, headers, pdf);
      expect(put.status).toBe(403);
      expect((await put.json()).error.code).toBe('invalid_signature');
    }
    const download = await signToken('disk_download', { key: 'a'.repeat(28), filename: 'x.pdf', contentType: 'application/pdf', disposition: 'open' }, 60);
    const get = await getObject(`${origin}/api/storage/disk/${download}`);
    expect(get.status).toBe(403);
    expect(await listStoredFiles()).toEqual([]);
  });

  it('closes cleanly when the client cancels a download, and serves the file again', async () => {
    const pdf = makePdf('Big', 1024 * 1024);
    const user = await applyWithResume(pdf, { email: 'reader@example.com', first_name: 'Re', last_name: 'Ader' });
    expect(user.status).toBe(200);
    const download = await getObject(user.body.resume_url);
    const reader = download.body!.getReader();
    const first = await reader.read();
    expect(first.value?.length).toBeGreaterThan(0);
    expect(first.value!.length).toBeLessThan(pdf.length);
    await reader.cancel();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const again = await getObject(user.body.resume_url);
    expect(Buffer.from(await again.arrayBuffer()).equals(pdf)).toBe(true);
  });

  it('frees the file when the client goes away mid-download without cancelling', async () => {
    const pdf = makePdf('Gone', 1024 * 1024);
    const user = await applyWithResume(pdf, { email: 'gone@example.com', first_name: 'Gone', last_name: 'Away' });
    expect(user.status).toBe(200);
    const root = path.resolve(getStorageRoot());
    const openStoredFiles = async () => {
      const links = await Promise.all(
        (await readdir('/proc/self/fd')).map((fd) => readlink(path.join('/proc/self/fd', fd)).catch(() => '')),
      );
      return links.filter((target) => target.startsWith(root)).length;
    };
    const client = new AbortController();
    const url = user.body.resume_url as string;
    const download = await getDiskObject(new Request(url, { signal: client.signal }), {
      params: Promise.resolve({ token: url.slice(url.lastIndexOf('/') + 1) }),
    });
    const reader = download.body!.getReader();
    expect((await reader.read()).value!.length).toBeLessThan(pdf.length);
    expect(await openStoredFiles()).toBe(1);
    client.abort();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await openStoredFiles()).toBe(0);
  });

  it('refuses an upload token used as a download link, and the reverse', async () => {
    const pdf = makePdf();
    const { url, headers } = await signedUpload(pdf);
    await putObject(url, headers, pdf);
    expect((await getObject(url)).status).toBe(403);
  });
});

describe('PUT /api/storage/disk/[token]: one at a time per URL, and counted per address', () => {
  afterEach(() => {
    process.env.RATE_LIMIT_DISK_PUTS = '0';
    resetEnv();
  });

  it('refuses a second PUT to the same URL at once (409) while the first is being written', async () => {
    const pdf = makePdf();
    const { url, headers } = await signedUpload(pdf);
    let send!: ReadableStreamDefaultController<Uint8Array>;
    const slow = new ReadableStream<Uint8Array>({ start: (controller) => void (send = controller) });
    send.enqueue(pdf.subarray(0, 10));
    const first = putObject(url, headers, slow);
    // The first PUT has opened its file once its first bytes are on disk.
    const folder = path.join(getStorageRoot(), 'tmp');
    for (let waited = 0; !(await readdir(folder).catch(() => [])).some((name) => name.endsWith('.part')) && waited < 100; waited += 1) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const second = await putObject(url, headers, pdf);
    expect(second.status).toBe(409);
    expect((await second.json()).error.code).toBe('upload_in_progress');

    send.enqueue(pdf.subarray(10));
    send.close();
    expect((await first).status).toBe(200);
    expect(await listStoredFiles()).toHaveLength(1);
    // Once it is stored, the URL cannot write again.
    expect((await putObject(url, headers, pdf)).status).toBe(412);
  });

  it('counts PUTs per client address under RATE_LIMIT_DISK_PUTS (429 with Retry-After), before reading them', async () => {
    process.env.RATE_LIMIT_DISK_PUTS = '2';
    resetEnv();
    const from = (address: string) => ({ 'X-Forwarded-For': address });
    const pdf = makePdf();
    const { url, headers } = await signedUpload(pdf);
    expect((await putObject(url, { ...headers, ...from('198.51.100.5') }, pdf.subarray(1))).status).toBe(422);
    expect((await putObject(url, { ...headers, ...from('198.51.100.5') }, pdf.subarray(1))).status).toBe(422);
    const limited = await putObject(url, { ...headers, ...from('198.51.100.5') }, pdf);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('Retry-After'))).toBeGreaterThan(0);
    expect(await listStoredFiles()).toEqual([]);
    expect((await putObject(url, { ...headers, ...from('198.51.100.6') }, pdf)).status).toBe(200);
  });

  it('limits nothing with RATE_LIMIT_DISK_PUTS=0, and defaults to 20', async () => {
    expect(getEnv().RATE_LIMIT_DISK_PUTS).toBe(0);
    delete process.env.RATE_LIMIT_DISK_PUTS;
    resetEnv();
    expect(getEnv().RATE_LIMIT_DISK_PUTS).toBe(20);
  });
});

describe('storage:check on the disk service', () => {
  it('round-trips a probe outside any request, with no APP_URL to build links from', async () => {
    expect(getEnv().APP_URL).toBeUndefined();
    const results = await checkStorage(getEnv());
    expect(results).toEqual([expect.objectContaining({ name: 'round-trip', status: 'pass' })]);
    expect(await listStoredFiles()).toEqual([]);
  });
});

describe('the MD5 verified at upload, kept beside the stored file', () => {
  async function uploaded(pdf: Buffer) {
    const { url, headers } = await signedUpload(pdf);
    expect((await putObject(url, headers, pdf)).status).toBe(200);
    const [file] = await listStoredFiles();
    if (!file) throw new Error('nothing was stored');
    const storage = getStorage();
    expect(storage).toBeInstanceOf(DiskStorageService);
    return { key: path.basename(file), file: path.join(getStorageRoot(), file), storage: storage as DiskStorageService };
  }

  it('is what stat answers, without reading the file again', async () => {
    const pdf = makePdf('Recorded');
    const { key, file, storage } = await uploaded(pdf);
    expect(await readFile(`${file}.md5`, 'utf8')).toBe(`${md5(pdf)} ${pdf.length}\n`);
    // Bytes changed behind the service's back, same size: a re-read would see another MD5.
    const changed = Buffer.from(pdf);
    changed[20] = (changed[20] ?? 0) ^ 0xff;
    await writeFile(file, changed);
    expect(await storage.stat(key)).toEqual({ byteSize: pdf.length, checksum: md5(pdf) });
  });

  it('is not trusted when it is missing, unreadable or for another size: the file is hashed', async () => {
    const pdf = makePdf('Hashed');
    const { key, file, storage } = await uploaded(pdf);
    await rm(`${file}.md5`);
    expect(await storage.stat(key)).toEqual({ byteSize: pdf.length, checksum: md5(pdf) });
    await writeFile(`${file}.md5`, `${md5('other')} ${pdf.length + 1}\n`);
    expect(await storage.stat(key)).toEqual({ byteSize: pdf.length, checksum: md5(pdf) });
    await writeFile(`${file}.md5`, 'not a record');
    expect(await storage.stat(key)).toEqual({ byteSize: pdf.length, checksum: md5(pdf) });
  });

  it('goes with the file when the file is deleted', async () => {
    const { key, file, storage } = await uploaded(makePdf('Deleted'));
    await storage.delete(key);
    expect(await listStoredFiles()).toEqual([]);
    await expect(readFile(`${file}.md5`)).rejects.toThrow(/ENOENT/);
    expect(await storage.stat(key)).toBeNull();
  });
});
