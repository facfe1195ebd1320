/// <reference lib="webworker" />
import SparkMD5 from 'spark-md5';

export type ChecksumRequest = { file: Blob; chunkSize: number };
export type ChecksumMessage =
  | { type: 'progress'; loaded: number; total: number }
  | { type: 'done'; checksum: string }
  | { type: 'error'; message: string };

const scope = self as unknown as DedicatedWorkerGlobalScope;

function post(message: ChecksumMessage) {
  scope.postMessage(message);
}

// Hashes slice by slice so memory stays flat whatever the file size, and off the main thread so
// the page stays responsive. The next slice is read while the current one is hashed.
scope.onmessage = async (event: MessageEvent<ChecksumRequest>) => {
  const { file, chunkSize } = event.data;
  try {
    const spark = new SparkMD5.ArrayBuffer();
    let next: Promise<ArrayBuffer> | null = file.size > 0 ? file.slice(0, chunkSize).arrayBuffer() : null;
    for (let offset = 0; next; offset += chunkSize) {
      const chunk = await next;
      const nextOffset = offset + chunkSize;
      next = nextOffset < file.size ? file.slice(nextOffset, nextOffset + chunkSize).arrayBuffer() : null;
      spark.append(chunk);
      post({ type: 'progress', loaded: Math.min(nextOffset, file.size), total: file.size });
    }
    post({ type: 'done', checksum: btoa(spark.end(true)) });
  } catch (error) {
    post({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  }
};
