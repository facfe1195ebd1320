import { AbortedError } from './aborted-error';
import type { ChecksumMessage } from './checksum-worker';

const checksumChunkSize = 8 * 1024 * 1024;

/**
 * FileChecksum (Active Storage's name for this step): the base64 MD5 of a file, computed in a Web
 * Worker with spark-md5 over 8 MiB slices (the top of the 2-8 MiB range: fewer, larger appends are
 * faster). Aborting terminates the worker at once.
 */
export function computeChecksum(
  file: Blob,
  { onProgress, signal }: { onProgress?: (loaded: number, total: number) => void; signal?: AbortSignal } = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new AbortedError());
    const worker = new Worker(new URL('./checksum-worker.ts', import.meta.url), { type: 'module' });
    const finish = () => {
      worker.terminate();
      signal?.removeEventListener('abort', onAbort);
    };
    const onAbort = () => {
      finish();
      reject(new AbortedError());
    };
    signal?.addEventListener('abort', onAbort);
    worker.onmessage = (event: MessageEvent<ChecksumMessage>) => {
      const message = event.data;
      if (message.type === 'progress') onProgress?.(message.loaded, message.total);
      else if (message.type === 'done') {
        finish();
        resolve(message.checksum);
      } else {
        finish();
        reject(new Error(`Your browser could not read the file (${message.message}).`));
      }
    };
    worker.onerror = (event) => {
      finish();
      reject(new Error(`Your browser could not read the file (${event.message || 'worker failed'}).`));
    };
    worker.postMessage({ file, chunkSize: checksumChunkSize });
  });
}
