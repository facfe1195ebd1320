import 'server-only';
import { appError, type AppError } from '@/lib/http/errors';
import { getDiskStorage } from '@/lib/storage';
import { buildContentDisposition } from '@/lib/storage/content-disposition';
import {
  IntegrityError,
  InvalidStorageUrlError,
  ObjectExistsError,
  UploadInProgressError,
  UploadInterruptedError,
} from '@/lib/storage/errors';

// The disk service's controller, as Active Storage's DiskController: the request's side of the
// disk service's URLs (headers, answers). The service (lib/storage/disk.ts) signs and
// verifies the URLs and stores the bytes; the errors it raises are mapped here to the error table.

function diskStorage() {
  const storage = getDiskStorage();
  if (!storage) throw appError('not_found', { message: 'The disk storage service is not enabled.' });
  return storage;
}

/**
 * Receives a direct upload (its route counts it against RATE_LIMIT_DISK_PUTS first). One URL takes
 * one PUT at a time, and the headers must be those the URL was signed for, as S3 requires.
 */
export async function receiveDiskUpload(request: Request, token: string): Promise<void> {
  const storage = diskStorage();
  const claims = await storage.verifyUploadUrl(token).catch(rethrowAsAppError);
  const contentType = request.headers.get('content-type');
  if (contentType !== claims.contentType) {
    throw appError('content_type_mismatch', { message: `This upload URL only accepts Content-Type ${claims.contentType}.` });
  }
  const contentMd5 = request.headers.get('content-md5');
  if (contentMd5 !== null && contentMd5 !== claims.checksum) {
    throw appError('checksum_mismatch', { message: 'The Content-MD5 header does not match the checksum this upload was signed for.' });
  }
  const contentLength = request.headers.get('content-length');
  if (contentLength !== null && Number(contentLength) !== claims.byteSize) {
    throw appError('length_mismatch', { message: `This upload URL only accepts exactly ${claims.byteSize} bytes.` });
  }
  await storage.writeDirectUpload(claims, request.body).catch(rethrowAsAppError);
}

/** Serves a download URL's object, with the type and name it was signed for. */
export async function serveDiskObject(request: Request, token: string): Promise<Response> {
  const storage = diskStorage();
  const claims = await storage.verifyDownloadUrl(token).catch(rethrowAsAppError);
  const object = await storage.openRead(claims.key, request.signal);
  if (!object) throw appError('not_found', { message: 'This file does not exist any more.' });
  return new Response(object.stream, {
    headers: {
      'Content-Type': claims.contentType,
      'Content-Length': String(object.byteSize),
      'Content-Disposition': buildContentDisposition(claims.disposition, claims.filename),
      'Cache-Control': 'private, no-store',
      'X-Content-Type-Options': 'nosniff',
    },
  });
}

/** The storage's refusal as the error table says it; anything else goes on unchanged (500 or 503). */
function rethrowAsAppError(error: unknown): never {
  throw toAppError(error) ?? error;
}

function toAppError(error: unknown): AppError | null {
  if (error instanceof InvalidStorageUrlError) return appError(error.reason === 'expired' ? 'url_expired' : 'invalid_signature');
  if (error instanceof IntegrityError) {
    if (error.reason === 'checksum') return appError('checksum_mismatch');
    return appError('length_mismatch', {
      message:
        error.reason === 'too_long'
          ? `The body is longer than the ${error.expectedBytes} bytes this upload was signed for.`
          : `Received ${error.receivedBytes} bytes; this upload was signed for ${error.expectedBytes}.`,
    });
  }
  if (error instanceof ObjectExistsError) return appError('already_uploaded');
  if (error instanceof UploadInProgressError) return appError('upload_in_progress');
  if (error instanceof UploadInterruptedError) return appError('upload_interrupted');
  return null;
}
