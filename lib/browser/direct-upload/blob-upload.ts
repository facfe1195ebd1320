import { AbortedError } from './aborted-error';

export type UploadFailure = 'network' | 'expired' | 'checksum' | 'rejected';

export class UploadError extends Error {
  override name = 'UploadError';
  constructor(
    readonly kind: UploadFailure,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/**
 * BlobUpload (Active Storage's name for this step): one PUT of the file to the URL the server
 * signed, with exactly the headers it returned, reporting progress. An XHR, not fetch, because
 * fetch cannot report upload progress. Retrying is the caller's decision (see direct-upload.ts).
 */
export function uploadBlob(
  url: string,
  headers: Record<string, string>,
  file: Blob,
  { onProgress, signal }: { onProgress?: (loaded: number, total: number) => void; signal?: AbortSignal } = {},
): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new AbortedError());
    const xhr = new XMLHttpRequest();
    const onAbort = () => xhr.abort();
    signal?.addEventListener('abort', onAbort);
    const settle = (action: () => void) => {
      signal?.removeEventListener('abort', onAbort);
      action();
    };
    xhr.open('PUT', url);
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (event) => onProgress?.(event.loaded, event.lengthComputable ? event.total : file.size);
    xhr.onload = () =>
      settle(() => {
        if (xhr.status >= 200 && xhr.status < 300) {
          onProgress?.(file.size, file.size);
          resolve();
        } else reject(describeFailure(xhr.status, xhr.responseText));
      });
    xhr.onerror = () =>
      settle(() => reject(new UploadError('network', 'The connection to the file storage was lost.', 0)));
    xhr.onabort = () => settle(() => reject(new AbortedError()));
    xhr.send(file);
  });
}

/** Storage answers in its own dialect (S3 XML, our disk service JSON); say what it means in plain words. */
function describeFailure(status: number, body: string): UploadError {
  const code = /<Code>([^<]+)<\/Code>/.exec(body)?.[1] ?? /"code"\s*:\s*"([^"]+)"/.exec(body)?.[1] ?? '';
  const text = `${code} ${body}`;
  if (/expired/i.test(text)) {
    return new UploadError('expired', 'The upload link expired before the file was sent.', status);
  }
  if (/BadDigest|checksum_mismatch|InvalidDigest|length_mismatch/i.test(text)) {
    return new UploadError('checksum', 'The file changed or was damaged while uploading. Please choose it again.', status);
  }
  if (status === 412) return new UploadError('rejected', 'This file was already uploaded.', status);
  return new UploadError('rejected', `The file storage refused the upload (${code || `HTTP ${status}`}).`, status);
}
