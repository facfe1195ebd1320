import 'server-only';
import { getDb } from '@/db/client';
import { blobs } from '@/db/schema';
import { getEnv } from '@/lib/env';
import { formatBytes } from '@/lib/format-bytes';
import { badRequest, unprocessable, unsupportedMediaType } from '@/lib/http/errors';
import { annotateRequestLog } from '@/lib/http/request-log';
import { getStorage } from '@/lib/storage';
import type { DirectUpload } from '@/lib/storage/service';
import { generateBlobKey } from '@/lib/storage/keys';
import { signBlobId } from './blob-token';
import type { DirectUploadRequestBody } from './direct-upload-request';
import { hasPdfExtension, sanitizeFilename } from './filename';
import { enforcePendingUploadCeilings } from './pending-uploads';

const acceptedContentType = 'application/pdf';

// Names of the blob's own columns: metadata may not pretend to set them.
const reservedMetadataKeys = new Set(['key', 'service_name', 'state', 'checksum', 'byte_size', 'content_type', 'filename', 'id']);

export interface DirectUploadResponse {
  direct_upload: DirectUpload;
  blob_signed_id: string;
}

/**
 * Step 2 of the flow: check the declared file against our policy, record a pending blob under a
 * key we generate, and hand back a short-lived URL the browser can PUT exactly those bytes to.
 */
export async function createDirectUpload(
  file: DirectUploadRequestBody['file'],
  publicOrigin: string,
  clientAddress: string,
): Promise<DirectUploadResponse> {
  const env = getEnv();
  if (!Number.isSafeInteger(file.byte_size) || file.byte_size <= 0) {
    throw unprocessable('invalid_byte_size', 'The file is empty or its size is not a whole number of bytes.', {
      byte_size: 'must be a whole number greater than 0',
    });
  }
  if (file.byte_size > env.MAX_UPLOAD_BYTES) {
    const limit = formatBytes(env.MAX_UPLOAD_BYTES);
    throw unprocessable('file_too_large', `The file is ${formatBytes(file.byte_size)}; the limit is ${limit}.`, {
      byte_size: `must be at most ${limit}`,
    });
  }
  const filename = sanitizeFilename(file.filename);
  if (file.content_type !== acceptedContentType || !hasPdfExtension(filename)) {
    throw unsupportedMediaType('unsupported_file_type', 'Only PDF files (.pdf) are accepted.', {
      content_type: `must be ${acceptedContentType} with a .pdf file name`,
    });
  }
  const metadata = file.metadata ?? {};
  const reserved = Object.keys(metadata).filter((key) => reservedMetadataKeys.has(key));
  if (reserved.length > 0) {
    throw badRequest('invalid_request', `metadata may not set ${reserved.join(', ')}.`, {
      metadata: `reserved keys: ${reserved.join(', ')}`,
    });
  }

  await enforcePendingUploadCeilings(clientAddress, file.byte_size);

  const storage = getStorage(publicOrigin);
  const key = generateBlobKey();
  const directUpload = await storage.createDirectUpload({
    key,
    contentType: acceptedContentType,
    byteSize: file.byte_size,
    checksum: file.checksum,
    expiresIn: env.UPLOAD_URL_EXPIRES_IN,
  });
  const db = await getDb();
  const [blob] = await db
    .insert(blobs)
    .values({
      key,
      filename,
      contentType: acceptedContentType,
      byteSize: file.byte_size,
      checksum: file.checksum,
      metadata,
      serviceName: storage.name,
      clientAddress,
    })
    .returning({ id: blobs.id });
  if (!blob) throw new Error('Inserting the blob returned no row');
  annotateRequestLog({ blob_id: blob.id });
  return { direct_upload: directUpload, blob_signed_id: await signBlobId(blob.id) };
}
