import { describe, expect, it } from 'vitest';
import { AbortedError } from '@/lib/browser/direct-upload/aborted-error';
import { ApiError, type DirectUploadResponse } from '@/lib/browser/direct-upload/api-client';
import { UploadError } from '@/lib/browser/direct-upload/blob-upload';
import {
  DirectUpload,
  UploadFailed,
  type DirectUploadSteps,
  type ProgressOptions,
  type UploadState,
} from '@/lib/browser/direct-upload/direct-upload';

// The state machine alone, with steps we answer by hand: every call waits until the test settles it.

interface Deferred<T> {
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

interface Call<T> extends Deferred<T> {
  file: File;
  signal: AbortSignal;
  options?: ProgressOptions;
  checksum?: string;
  url?: string;
}

function pending<T>(file: File, signal: AbortSignal, extra: Partial<Call<T>> = {}) {
  let deferred!: Deferred<T>;
  const promise = new Promise<T>((resolve, reject) => {
    deferred = { resolve, reject };
  });
  // A cancelled step rejects at once, as the real ones do (XHR abort, worker terminate).
  signal.addEventListener('abort', () => deferred.reject(new AbortedError()));
  return { promise, call: { file, signal, ...deferred, ...extra } as Call<T> };
}

function harness({ retries = 2 } = {}) {
  const calls = {
    check: [] as File[],
    checksum: [] as Call<string>[],
    record: [] as Call<DirectUploadResponse>[],
    upload: [] as Call<void>[],
    sleeps: [] as number[],
    discarded: [] as string[],
  };
  const listeners = { online: new Set<() => void>(), offline: new Set<() => void>() };
  const network = {
    online: true,
    set(online: boolean) {
      this.online = online;
      for (const listener of [...listeners[online ? 'online' : 'offline']]) listener();
    },
  };
  let signing = 0;
  const steps: DirectUploadSteps = {
    checkFile: async (file) => {
      calls.check.push(file);
      return file.name.endsWith('.pdf') ? null : `“${file.name}” is not a PDF.`;
    },
    computeChecksum: (file, options) => {
      const { promise, call } = pending<string>(file, options.signal, { options });
      calls.checksum.push(call);
      return promise;
    },
    createBlobRecord: (file, checksum, signal) => {
      const { promise, call } = pending<DirectUploadResponse>(file, signal, { checksum });
      calls.record.push(call);
      return promise;
    },
    discardBlobRecord: (signedId) => {
      calls.discarded.push(signedId);
    },
    uploadBlob: (url, _headers, file, options) => {
      const { promise, call } = pending<void>(file, options.signal, { options, url });
      calls.upload.push(call);
      return promise;
    },
    network: {
      isOnline: () => network.online,
      on: (event, listener) => {
        listeners[event].add(listener);
        return () => listeners[event].delete(listener);
      },
    },
    sleep: async (ms) => {
      calls.sleeps.push(ms);
    },
  };
  const upload = new DirectUpload(steps, { retries });
  const states: UploadState[] = [];
  upload.subscribe(() => states.push(upload.getState()));
  const record = (name: string): DirectUploadResponse => {
    signing += 1;
    return { direct_upload: { url: `https://storage.test/${name}/${signing}`, headers: {} }, blob_signed_id: `token-${name}-${signing}` };
  };
  return { upload, calls, network, states, record, listeners };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));
const pdf = (name: string) => new File([`%PDF-1.4 ${name}`], `${name}.pdf`, { type: 'application/pdf' });
const last = <T>(items: T[]): T => {
  const item = items.at(-1);
  if (!item) throw new Error('no call yet');
  return item;
};

/** Runs one file through checksum, record and upload, answering each step. */
async function completeUpload(h: ReturnType<typeof harness>, name: string) {
  await tick();
  last(h.calls.checksum).resolve(`md5-${name}`);
  await tick();
  last(h.calls.record).resolve(h.record(name));
  await tick();
  last(h.calls.upload).resolve();
  await tick();
}

describe('DirectUpload', () => {
  it('goes checking → uploading → ready, reporting progress, and gives the token', async () => {
    const h = harness();
    const file = pdf('ada');
    h.upload.select(file);
    expect(h.upload.getState()).toEqual({ status: 'checking', file, fraction: 0 });
    const ready = h.upload.whenReady();
    await tick();
    last(h.calls.checksum).options!.onProgress(50, 100);
    expect(h.upload.getState()).toEqual({ status: 'checking', file, fraction: 0.5 });
    last(h.calls.checksum).resolve('md5-ada');
    await tick();
    expect(h.upload.getState()).toMatchObject({ status: 'uploading', fraction: 0 });
    expect(last(h.calls.record).checksum).toBe('md5-ada');
    last(h.calls.record).resolve(h.record('ada'));
    await tick();
    expect(last(h.calls.upload).url).toBe('https://storage.test/ada/1');
    last(h.calls.upload).options!.onProgress(25, 100);
    expect(h.upload.getState()).toMatchObject({ status: 'uploading', fraction: 0.25 });
    last(h.calls.upload).resolve();
    await expect(ready).resolves.toEqual({ file, signedId: 'token-ada-1' });
    expect(h.upload.getState()).toEqual({ status: 'ready', file, signedId: 'token-ada-1' });
    expect(h.states.map((state) => state.status)).toEqual(['checking', 'checking', 'uploading', 'uploading', 'ready']);
    // Choosing the same file again does not upload it twice.
    h.upload.select(file);
    expect(h.calls.record).toHaveLength(1);
  });

  it('refuses a file that fails the check without any request', async () => {
    const h = harness();
    const file = new File(['hello'], 'notes.txt');
    h.upload.select(file);
    await tick();
    expect(h.upload.getState()).toEqual({ status: 'invalid', file, message: '“notes.txt” is not a PDF.' });
    expect(h.calls.checksum).toHaveLength(0);
    await expect(h.upload.whenReady()).rejects.toBeInstanceOf(UploadFailed);
  });

  it('cancels the running upload when another file is chosen, and never attaches the first', async () => {
    const h = harness();
    const first = pdf('first');
    const second = pdf('second');
    h.upload.select(first);
    const waitingForFirst = h.upload.whenReady();
    await tick();
    last(h.calls.checksum).resolve('md5-first');
    await tick();
    last(h.calls.record).resolve(h.record('first'));
    await tick();
    const firstPut = last(h.calls.upload);
    firstPut.options!.onProgress(60, 100);

    h.upload.select(second);
    expect(firstPut.signal.aborted).toBe(true);
    await expect(waitingForFirst).rejects.toBeInstanceOf(AbortedError);
    expect(h.upload.getState()).toEqual({ status: 'checking', file: second, fraction: 0 });
    const waitingForSecond = h.upload.whenReady();

    // Late answers of the first upload change nothing.
    firstPut.options!.onProgress(100, 100);
    firstPut.resolve();
    await tick();
    expect(h.upload.getState()).toEqual({ status: 'checking', file: second, fraction: 0 });

    await completeUpload(h, 'second');
    await expect(waitingForSecond).resolves.toEqual({ file: second, signedId: 'token-second-2' });
    expect(h.states.some((state) => state.status === 'ready' && state.file === first)).toBe(false);
  });

  it('a late checksum of a replaced file never starts its upload', async () => {
    const h = harness();
    const first = pdf('first');
    h.upload.select(first);
    await tick();
    const firstHash = last(h.calls.checksum);
    h.upload.select(pdf('second'));
    expect(firstHash.signal.aborted).toBe(true);
    firstHash.resolve('md5-first');
    await tick();
    await tick();
    expect(h.calls.record.filter((call) => call.file === first)).toHaveLength(0);
  });

  it('removing the file cancels at once and goes back to idle', async () => {
    const h = harness();
    h.upload.select(pdf('gone'));
    const waiting = h.upload.whenReady();
    await tick();
    last(h.calls.checksum).resolve('md5-gone');
    await tick();
    const record = last(h.calls.record);
    h.upload.select(null);
    expect(record.signal.aborted).toBe(true);
    expect(h.upload.getState()).toEqual({ status: 'idle' });
    await expect(waiting).rejects.toBeInstanceOf(AbortedError);
    record.resolve(h.record('gone'));
    await tick();
    expect(h.calls.upload).toHaveLength(0);
    expect(h.upload.getState()).toEqual({ status: 'idle' });
  });

  it('retries a dropped connection with backoff, then gives up with an error; "Try again" keeps the checksum', async () => {
    const h = harness();
    const file = pdf('flaky');
    h.upload.select(file);
    await tick();
    last(h.calls.checksum).resolve('md5-flaky');
    await tick();
    last(h.calls.record).resolve(h.record('flaky'));
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      await tick();
      expect(h.calls.upload).toHaveLength(attempt);
      last(h.calls.upload).reject(new UploadError('network', 'lost', 0));
      await tick();
      if (attempt < 3) expect(h.upload.getState()).toMatchObject({ status: 'uploading', retry: { attempt: attempt + 1, of: 3 } });
    }
    await tick();
    expect(h.calls.sleeps).toEqual([500, 1000]);
    expect(h.upload.getState()).toEqual({ status: 'error', file, message: 'The connection to the file storage was lost.' });
    await expect(h.upload.whenReady()).rejects.toBeInstanceOf(UploadFailed);

    h.upload.retry();
    expect(h.upload.getState()).toMatchObject({ status: 'checking', file });
    await tick();
    await tick();
    expect(h.calls.checksum).toHaveLength(1);
    last(h.calls.record).resolve(h.record('flaky'));
    await tick();
    last(h.calls.upload).resolve();
    await expect(h.upload.whenReady()).resolves.toEqual({ file, signedId: 'token-flaky-2' });
  });

  it('a 412 on a retried PUT means the earlier attempt got through', async () => {
    const h = harness();
    h.upload.select(pdf('twice'));
    await tick();
    last(h.calls.checksum).resolve('md5');
    await tick();
    last(h.calls.record).resolve(h.record('twice'));
    await tick();
    last(h.calls.upload).reject(new UploadError('network', 'lost', 0));
    await tick();
    await tick();
    last(h.calls.upload).reject(new UploadError('rejected', 'already there', 412));
    await expect(h.upload.whenReady()).resolves.toMatchObject({ signedId: 'token-twice-1' });
  });

  it('waits for the connection while offline, without spending retries, and resumes', async () => {
    const h = harness({ retries: 0 });
    const file = pdf('train');
    h.upload.select(file);
    await tick();
    last(h.calls.checksum).resolve('md5');
    await tick();
    last(h.calls.record).resolve(h.record('train'));
    await tick();
    const put = last(h.calls.upload);
    put.options!.onProgress(40, 100);
    h.network.set(false);
    // Going offline ends the running attempt at once.
    expect(put.signal.aborted).toBe(true);
    await tick();
    expect(h.upload.getState()).toEqual({ status: 'offline', file });
    expect(h.calls.upload).toHaveLength(1);
    h.network.set(true);
    await tick();
    expect(h.calls.upload).toHaveLength(2);
    expect(h.upload.getState()).toMatchObject({ status: 'uploading', fraction: 0 });
    // An error seen while offline waits as well.
    h.network.online = false;
    last(h.calls.upload).reject(new UploadError('network', 'lost', 0));
    await tick();
    expect(h.upload.getState()).toEqual({ status: 'offline', file });
    h.network.set(true);
    await tick();
    last(h.calls.upload).resolve();
    await expect(h.upload.whenReady()).resolves.toMatchObject({ signedId: 'token-train-1' });
    expect(h.calls.sleeps).toEqual([]);
    expect(h.listeners.online.size + h.listeners.offline.size).toBe(0);
  });

  it('signs again once when the upload URL expired', async () => {
    const h = harness();
    h.upload.select(pdf('slow'));
    await tick();
    last(h.calls.checksum).resolve('md5');
    await tick();
    last(h.calls.record).resolve(h.record('slow'));
    await tick();
    last(h.calls.upload).reject(new UploadError('expired', 'expired', 403));
    await tick();
    expect(h.calls.record).toHaveLength(2);
    last(h.calls.record).resolve(h.record('slow'));
    await tick();
    expect(last(h.calls.upload).url).toBe('https://storage.test/slow/2');
    last(h.calls.upload).resolve();
    await expect(h.upload.whenReady()).resolves.toMatchObject({ signedId: 'token-slow-2' });
    // The first blob can never be uploaded now: it is deleted.
    expect(h.calls.discarded).toEqual(['token-slow-1']);
  });

  it('refresh() uploads the same file again for a fresh token, without hashing again', async () => {
    const h = harness();
    const file = pdf('expired');
    h.upload.select(file);
    await completeUpload(h, 'expired');
    expect(h.upload.getState()).toMatchObject({ status: 'ready', signedId: 'token-expired-1' });
    const fresh = h.upload.refresh();
    await tick();
    await tick();
    expect(h.calls.checksum).toHaveLength(1);
    expect(last(h.calls.record).checksum).toBe('md5-expired');
    last(h.calls.record).resolve(h.record('expired'));
    await tick();
    last(h.calls.upload).resolve();
    await expect(fresh).resolves.toEqual({ file, signedId: 'token-expired-2' });
    // An expired token cannot delete its blob: no request for it.
    expect(h.calls.discarded).toEqual([]);
  });

  it('the app refusing the file makes it invalid; a server outage is an error to try again', async () => {
    const h = harness();
    const big = pdf('big');
    h.upload.select(big);
    await tick();
    last(h.calls.checksum).resolve('md5');
    await tick();
    last(h.calls.record).reject(new ApiError(422, 'file_too_large', 'Too large.', { 'file.byte_size': 'The file is larger than 10 MB.' }));
    await tick();
    expect(h.upload.getState()).toEqual({ status: 'invalid', file: big, message: 'The file is larger than 10 MB.' });

    const other = pdf('other');
    h.upload.select(other);
    await tick();
    last(h.calls.checksum).resolve('md5');
    await tick();
    last(h.calls.record).reject(new ApiError(503, 'storage_unavailable', 'Storage is down.'));
    await tick();
    expect(h.upload.getState()).toEqual({ status: 'error', file: other, message: 'Storage is down.' });
  });

  it('invalidate() marks a stored file the server refused, and cancel() stops everything', async () => {
    const h = harness();
    const file = pdf('fake');
    h.upload.select(file);
    await completeUpload(h, 'fake');
    h.upload.invalidate('Not a PDF.');
    expect(h.upload.getState()).toEqual({ status: 'invalid', file, message: 'Not a PDF.' });

    h.upload.select(pdf('next'));
    await tick();
    const hashing = last(h.calls.checksum);
    h.upload.cancel();
    expect(hashing.signal.aborted).toBe(true);
    expect(h.upload.getState()).toEqual({ status: 'idle' });
  });

  it('deletes the blob of a file replaced or removed, uploaded or not, and never one still chosen', async () => {
    const h = harness();
    const first = pdf('first');
    h.upload.select(first);
    await completeUpload(h, 'first');
    h.upload.select(first);
    expect(h.calls.discarded).toEqual([]);

    // Replaced once uploaded.
    h.upload.select(pdf('second'));
    expect(h.calls.discarded).toEqual(['token-first-1']);
    // Replaced mid-upload, once its blob was recorded.
    await tick();
    last(h.calls.checksum).resolve('md5-second');
    await tick();
    last(h.calls.record).resolve(h.record('second'));
    await tick();
    h.upload.select(pdf('third'));
    expect(h.calls.discarded).toEqual(['token-first-1', 'token-second-2']);
    // Replaced while its record was on its way: that request is aborted, its answer never read.
    await tick();
    last(h.calls.checksum).resolve('md5-third');
    await tick();
    const late = last(h.calls.record);
    h.upload.select(pdf('fourth'));
    late.resolve(h.record('third'));
    await tick();
    expect(h.calls.discarded).toEqual(['token-first-1', 'token-second-2']);

    // Removed.
    await completeUpload(h, 'fourth');
    h.upload.select(null);
    expect(h.calls.discarded).toEqual(['token-first-1', 'token-second-2', 'token-fourth-4']);
    // Leaving the page (cancel) deletes nothing: the blob may be part of an application by then.
    h.upload.select(pdf('fifth'));
    await completeUpload(h, 'fifth');
    h.upload.cancel();
    expect(h.calls.discarded).toHaveLength(3);
  });
});
