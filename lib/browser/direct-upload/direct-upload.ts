import { AbortedError } from './aborted-error';
import { ApiError, type DirectUploadResponse } from './api-client';
import { UploadError } from './blob-upload';

/**
 * DirectUpload (Active Storage's name): composes the steps (check the file, FileChecksum,
 * BlobRecord, BlobUpload) into one upload of one file, owns its state, cancellation and retries.
 * It touches no DOM itself: the steps and the network are given to it, so it runs (and is tested)
 * anywhere. use-direct-upload.ts gives it the browser's.
 */
export type UploadState =
  | { status: 'idle' }
  | { status: 'checking'; file: File; fraction: number }
  | { status: 'uploading'; file: File; fraction: number; retry?: { attempt: number; of: number } }
  | { status: 'offline'; file: File }
  | { status: 'ready'; file: File; signedId: string }
  /** This file cannot be sent (not a PDF, too large…): another file must be chosen. */
  | { status: 'invalid'; file: File; message: string }
  /** The upload failed after its retries; trying again may work. */
  | { status: 'error'; file: File; message: string };

export interface ProgressOptions {
  signal: AbortSignal;
  onProgress: (loaded: number, total: number) => void;
}

export interface NetworkStatus {
  isOnline(): boolean;
  /** Calls the listener when the connection comes back (or goes); returns the unsubscribe. */
  on(event: 'online' | 'offline', listener: () => void): () => void;
}

export interface DirectUploadSteps {
  checkFile(file: File): Promise<string | null>;
  computeChecksum(file: File, options: ProgressOptions): Promise<string>;
  createBlobRecord(file: File, checksum: string, signal: AbortSignal): Promise<DirectUploadResponse>;
  /** Asks the app to delete the blob of a file no longer chosen; nobody waits for the answer. */
  discardBlobRecord(signedId: string): void;
  uploadBlob(url: string, headers: Record<string, string>, file: File, options: ProgressOptions): Promise<void>;
  network: NetworkStatus;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

export interface DirectUploadOptions {
  /** Extra attempts of a request after a dropped connection (while online). */
  retries?: number;
  /** First wait before a retry; doubled for each further one. */
  backoffMs?: number;
}

export interface ReadyUpload {
  file: File;
  signedId: string;
}

interface Run {
  file: File;
  controller: AbortController;
  settled: Promise<ReadyUpload>;
  resolve: (ready: ReadyUpload) => void;
  reject: (error: unknown) => void;
}

const idle: UploadState = { status: 'idle' };

export class DirectUpload {
  private state: UploadState = idle;
  private run: Run | null = null;
  // The token of the latest blob recorded for the chosen file: once another file is chosen (or
  // none), that blob is deleted, so that it stops counting against the pending-upload ceilings.
  private recorded: string | null = null;
  private readonly listeners = new Set<() => void>();
  // Trying again, or a fresh token after expiry, need not read the whole file again.
  private readonly checksums = new WeakMap<File, string>();
  private readonly retries: number;
  private readonly backoffMs: number;

  constructor(
    private readonly steps: DirectUploadSteps,
    { retries = 2, backoffMs = 500 }: DirectUploadOptions = {},
  ) {
    this.retries = retries;
    this.backoffMs = backoffMs;
  }

  getState = (): UploadState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Starts uploading this file at once, cancelling whatever ran for another; null clears. */
  select = (file: File | null): void => {
    const current = this.state;
    if (current.status === 'idle' ? !file : current.file === file) return;
    this.stop();
    this.discardRecorded();
    if (file) this.start(file);
    else this.setState(idle);
  };

  /** Cancels the running upload at once (aborts the request, terminates the hashing worker). */
  cancel = (): void => {
    this.stop();
    this.setState(idle);
  };

  /** After an error: the same file again (its checksum is kept). */
  retry = (): void => {
    const { state } = this;
    if (state.status !== 'error') return;
    this.stop();
    this.start(state.file);
  };

  /**
   * The blob token of the finished upload was refused as expired: record and upload the same file
   * again, and resolve with the fresh token.
   */
  refresh = (): Promise<ReadyUpload> => {
    const { state } = this;
    if (state.status === 'idle') return Promise.reject(new AbortedError());
    this.stop();
    // Its token expired: the blob no longer counts, and only the purge may delete it now.
    this.recorded = null;
    this.start(state.file);
    return this.whenReady();
  };

  /** The server found the uploaded file unusable (say, not a PDF): this file cannot be sent. */
  invalidate = (message: string): void => {
    const { state } = this;
    if (state.status === 'idle') return;
    this.stop();
    // The server deleted the blob it refused.
    this.recorded = null;
    this.checksums.delete(state.file);
    this.setState({ status: 'invalid', file: state.file, message });
  };

  /**
   * Resolves with the token once the current file is uploaded; rejects with the failure, or with
   * AbortedError when the file is changed or removed meanwhile (a caller can never get the token
   * of a file that is no longer the chosen one).
   */
  whenReady = (): Promise<ReadyUpload> => {
    const { state } = this;
    if (state.status === 'ready') return Promise.resolve({ file: state.file, signedId: state.signedId });
    if (state.status === 'invalid' || state.status === 'error') return Promise.reject(new UploadFailed(state.message));
    if (!this.run) return Promise.reject(new AbortedError());
    return this.run.settled;
  };

  private stop() {
    const run = this.run;
    this.run = null;
    if (!run) return;
    run.controller.abort();
    run.reject(new AbortedError());
  }

  private start(file: File) {
    let resolve!: Run['resolve'];
    let reject!: Run['reject'];
    const settled = new Promise<ReadyUpload>((yes, no) => {
      resolve = yes;
      reject = no;
    });
    // Nobody may be waiting; a failure is also shown through the state.
    settled.catch(() => undefined);
    const run: Run = { file, controller: new AbortController(), settled, resolve, reject };
    this.run = run;
    this.setState({ status: 'checking', file, fraction: 0 });
    void this.execute(run);
  }

  private isCurrent(run: Run) {
    return this.run === run && !run.controller.signal.aborted;
  }

  /** The stale-answer guard: nothing a cancelled run learns ever reaches the state. */
  private update(run: Run, state: UploadState) {
    if (this.isCurrent(run)) this.setState(state);
  }

  private setState(state: UploadState) {
    this.state = state;
    for (const listener of [...this.listeners]) listener();
  }

  private async execute(run: Run) {
    const { file } = run;
    const signal = run.controller.signal;
    try {
      const problem = await this.steps.checkFile(file);
      this.ensureCurrent(run);
      if (problem) {
        this.finish(run, { status: 'invalid', file, message: problem });
        return;
      }
      let checksum = this.checksums.get(file);
      if (!checksum) {
        checksum = await this.steps.computeChecksum(file, {
          signal,
          onProgress: (loaded, total) => this.update(run, { status: 'checking', file, fraction: total > 0 ? loaded / total : 1 }),
        });
        this.ensureCurrent(run);
        this.checksums.set(file, checksum);
      }
      const known = checksum;
      this.update(run, { status: 'uploading', file, fraction: 0 });
      // A signed URL that expired (say, while the page waited to be back online) is signed again, once.
      for (let signings = 1; ; signings += 1) {
        const record = await this.attempt(run, (attemptSignal) => this.steps.createBlobRecord(file, known, attemptSignal));
        this.keepRecorded(run, record.blob_signed_id);
        try {
          await this.attempt(
            run,
            (attemptSignal) =>
              this.steps.uploadBlob(record.direct_upload.url, record.direct_upload.headers, file, {
                signal: attemptSignal,
                onProgress: (loaded, total) => {
                  const current = this.state;
                  const retry = current.status === 'uploading' ? current.retry : undefined;
                  this.update(run, { status: 'uploading', file, fraction: total > 0 ? loaded / total : 1, retry });
                },
              }),
            // The PUT may have reached storage although its answer was lost: If-None-Match then says 412.
            (error, attempt) => (attempt > 1 && error instanceof UploadError && error.status === 412 ? { value: undefined } : null),
          );
        } catch (error) {
          if (error instanceof UploadError && error.kind === 'expired' && signings < 2) continue;
          throw error;
        }
        this.finish(run, { status: 'ready', file, signedId: record.blob_signed_id });
        return;
      }
    } catch (error) {
      if (!this.isCurrent(run) || error instanceof AbortedError) return;
      if (error instanceof UploadError && error.kind === 'checksum') this.checksums.delete(file);
      this.finish(run, describeFailure(file, error));
    }
  }

  /**
   * One request with the retry policy: a dropped connection is tried again with backoff (`retries`
   * times); while the browser is offline nothing is tried and nothing is counted: the request
   * starts again when the connection is back. Going offline mid-request ends that attempt at once.
   */
  private async attempt<T>(
    run: Run,
    request: (signal: AbortSignal) => Promise<T>,
    succeededAnyway: (error: unknown, attempt: number) => { value: T } | null = () => null,
  ): Promise<T> {
    const { network } = this.steps;
    let failures = 0;
    for (let attempt = 1; ; attempt += 1) {
      if (!network.isOnline()) await this.waitUntilOnline(run);
      const controller = new AbortController();
      const abortAttempt = () => controller.abort();
      run.controller.signal.addEventListener('abort', abortAttempt);
      let wentOffline = false;
      const stopWatching = network.on('offline', () => {
        wentOffline = true;
        controller.abort();
      });
      try {
        return await request(controller.signal);
      } catch (error) {
        this.ensureCurrent(run);
        const anyway = succeededAnyway(error, attempt);
        if (anyway) return anyway.value;
        const dropped = isDroppedConnection(error);
        if (wentOffline || (dropped && !network.isOnline())) continue;
        if (!dropped) throw error;
        failures += 1;
        if (failures > this.retries) throw error;
        const state = this.state;
        if (state.status === 'uploading') this.update(run, { ...state, fraction: 0, retry: { attempt: failures + 1, of: this.retries + 1 } });
        await this.sleep(this.backoffMs * 2 ** (failures - 1), run.controller.signal);
        this.ensureCurrent(run);
      } finally {
        stopWatching();
        run.controller.signal.removeEventListener('abort', abortAttempt);
      }
    }
  }

  private waitUntilOnline(run: Run): Promise<void> {
    this.update(run, { status: 'offline', file: run.file });
    const signal = run.controller.signal;
    return new Promise((resolve, reject) => {
      const settle = (action: () => void) => {
        stopWatching();
        signal.removeEventListener('abort', onAbort);
        action();
      };
      const onAbort = () => settle(() => reject(new AbortedError()));
      const onOnline = () =>
        settle(() => {
          this.update(run, { status: 'uploading', file: run.file, fraction: 0 });
          resolve();
        });
      const stopWatching = this.steps.network.on('online', onOnline);
      signal.addEventListener('abort', onAbort);
      // The connection may have come back between the caller's check and the subscription.
      if (this.steps.network.isOnline()) onOnline();
    });
  }

  private sleep(ms: number, signal: AbortSignal): Promise<void> {
    if (this.steps.sleep) return this.steps.sleep(ms, signal);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        reject(new AbortedError());
      };
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** The latest blob of the chosen file; an earlier one (a URL signed again, a retry) is deleted. */
  private keepRecorded(run: Run, signedId: string) {
    if (!this.isCurrent(run)) {
      this.steps.discardBlobRecord(signedId);
      throw new AbortedError();
    }
    this.discardRecorded();
    this.recorded = signedId;
  }

  private discardRecorded() {
    if (this.recorded) this.steps.discardBlobRecord(this.recorded);
    this.recorded = null;
  }

  private ensureCurrent(run: Run) {
    if (!this.isCurrent(run)) throw new AbortedError();
  }

  private finish(run: Run, state: Extract<UploadState, { status: 'ready' | 'invalid' | 'error' }>) {
    if (!this.isCurrent(run)) return;
    this.run = null;
    this.setState(state);
    if (state.status === 'ready') run.resolve({ file: state.file, signedId: state.signedId });
    else run.reject(new UploadFailed(state.message));
  }
}

/** What whenReady() rejects with when the upload ended in an error the page already shows. */
export class UploadFailed extends Error {
  override name = 'UploadFailed';
}

function isDroppedConnection(error: unknown): boolean {
  return (error instanceof UploadError && error.kind === 'network') || (error instanceof ApiError && error.status === 0);
}

function describeFailure(file: File, error: unknown): Extract<UploadState, { status: 'invalid' | 'error' }> {
  if (error instanceof ApiError) {
    // The app refused this file (type, size): trying it again cannot help.
    const refused = error.status >= 400 && error.status < 500 && error.status !== 408 && error.status !== 429;
    const message = Object.values(error.fields)[0] ?? error.message;
    return { status: refused ? 'invalid' : 'error', file, message };
  }
  if (error instanceof UploadError && error.kind === 'network') {
    return { status: 'error', file, message: 'The connection to the file storage was lost.' };
  }
  const message = error instanceof Error ? error.message : 'The upload failed.';
  return { status: 'error', file, message };
}
