import 'server-only';
import { getEnv } from '@/lib/env';
import { formatBytes } from '@/lib/format-bytes';
import { appError } from '@/lib/http/errors';
import { annotateRequestLog } from '@/lib/request-context';
import { getStorage } from '@/lib/storage';
import { generateBlobKey } from '@/lib/storage/keys';
import { signBlobId } from './blob-token';
import type { DirectUploadRequestBody, DirectUploadResponse } from '@/lib/contract/direct-upload';
import { describeExtensions, describeFileTypes, fileTypeByContentType, hasExtensionOf, maxBytesOf } from '@/lib/contract/file-types';
import { fileTypeNotAccepted, getAcceptedFileTypes } from './accepted-file-types';
import { sanitizeFilename } from './filename';
import { insertPendingBlob } from './pending-uploads';

// Names of the blob's own columns: metadata may not pretend to set them.
const reservedMetadataKeys = new Set(['key', 'service_name', 'state', 'checksum', 'byte_size', 'content_type', 'filename', 'id']);

/**
 * Step 2 of the flow: check the declared file against our policy, record a pending blob under a
 * key we generate, and hand back a short-lived URL the browser can PUT exactly those bytes to.
 */
export async function createDirectUpload(
  file: DirectUploadRequestBody['file'],
  clientAddress: string,
): Promise<DirectUploadResponse> {
  const env = getEnv();
  if (!Number.isSafeInteger(file.byte_size) || file.byte_size <= 0) {
    throw appError('invalid_byte_size', { fields: { byte_size: 'must be a whole number greater than 0' } });
  }
  // The type is the declared content type and a name that ends as that type's do (file-types.ts).
  const accepted = getAcceptedFileTypes();
  const type = fileTypeByContentType(file.content_type);
  const filename = sanitizeFilename(file.filename, type);
  if (!type || !hasExtensionOf(type, filename)) {
    const expected = accepted.map((each) => `${each.contentType} with a ${describeExtensions([each])} file name`).join(', or ');
    throw appError('unsupported_file_type', {
      message: `Only ${describeFileTypes(accepted)} files (${describeExtensions(accepted)}) are accepted.`,
      fields: { content_type: `must be ${expected}` },
    });
  }
  if (!accepted.includes(type)) throw fileTypeNotAccepted(type, accepted, 'content_type');
  const maxBytes = maxBytesOf(type, env.MAX_UPLOAD_BYTES);
  if (file.byte_size > maxBytes) {
    const limit = formatBytes(maxBytes);
    throw appError('file_too_large', { message: `The file is ${formatBytes(file.byte_size)}; the limit is ${limit}.`, fields: { byte_size: `must be at most ${limit}` } });
  }
  const metadata = file.metadata ?? {};
  const reserved = Object.keys(metadata).filter((key) => reservedMetadataKeys.has(key));
  if (reserved.length > 0) {
    throw appError('invalid_request', { message: `metadata may not set ${reserved.join(', ')}.`, fields: { metadata: `reserved keys: ${reserved.join(', ')}` } });
  }

  // Signed first: it needs no database, and a failure here leaves no row behind.
  const storage = getStorage();
  const key = generateBlobKey();
  const directUpload = await storage.createDirectUpload({
    key,
    contentType: type.contentType,
    byteSize: file.byte_size,
    checksum: file.checksum,
    expiresIn: env.UPLOAD_URL_EXPIRES_IN,
  });
  const blob = await insertPendingBlob({
    key,
    filename,
    contentType: type.contentType,
    byteSize: file.byte_size,
    checksum: file.checksum,
    metadata,
    serviceName: storage.name,
    clientAddress,
  });
  annotateRequestLog({ blob_id: blob.id });
  return { direct_upload: directUpload, blob_signed_id: await signBlobId(blob.id) };
}
