import type { FileType } from '@/lib/contract/file-types';
import { postJson, type DirectUploadResponse } from './api-client';

/**
 * BlobRecord (Active Storage's name for this step): asks the app to record the blob and sign the
 * upload. The answer carries the URL and headers of the PUT and the token that attaches the blob.
 */
export async function createBlobRecord(file: File, type: FileType, checksum: string, signal?: AbortSignal): Promise<DirectUploadResponse> {
  const { body } = await postJson<DirectUploadResponse>(
    '/api/direct-uploads',
    {
      file: {
        filename: file.name,
        byte_size: file.size,
        checksum,
        // The type the page found the file to be (check-resume-file.ts), not what the browser guessed.
        content_type: type.contentType,
        metadata: {},
      },
    },
    signal,
  );
  return body;
}

/**
 * Deletes the blob of a file the applicant replaced or removed (only an unattached one, with its
 * own token), so that it no longer counts against their pending-upload ceiling. `keepalive`: the
 * request outlives a page being left; a failure changes nothing for the applicant.
 */
export function discardBlobRecord(signedId: string): void {
  fetch(`/api/direct-uploads/${encodeURIComponent(signedId)}`, { method: 'DELETE', keepalive: true }).catch(() => undefined);
}
