import 'server-only';
import type { ErrorCode } from '@/lib/contract/error-codes';

// What the storage services raise. They know nothing of HTTP: the disk controller
// (app/api/storage/disk/[token]/disk-controller.ts) maps these to the error table, and route()
// answers any `publicCode` it finds.

/**
 * The storage could not be reached or answered with a server error; the caller may retry. Clients
 * get the table's `storage_unavailable` answer (503); the message, with host names, stays in logs.
 */
export class StorageUnavailableError extends Error {
  override name = 'StorageUnavailableError';
  readonly publicCode = 'storage_unavailable' satisfies ErrorCode;
}

/**
 * The storage answered, but refuses this configuration: the bucket does not exist (`missing`) or
 * the credentials may not use it (`forbidden`). Raised by `ping()`, for the doctor to say which.
 */
export class StorageRefusedError extends Error {
  override name = 'StorageRefusedError';
  constructor(
    readonly reason: 'missing' | 'forbidden',
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The bytes received are not those an upload was signed for (Active Storage's IntegrityError):
 * another MD5, fewer bytes, or more (`receivedBytes` is then how many arrived before it stopped).
 */
export class IntegrityError extends Error {
  override name = 'IntegrityError';
  constructor(
    readonly reason: 'checksum' | 'too_short' | 'too_long',
    readonly expectedBytes: number,
    readonly receivedBytes: number,
  ) {
    super(`Upload refused: ${reason.replace('_', ' ')} (${receivedBytes} bytes received, ${expectedBytes} signed)`);
  }
}

/** An upload URL may create its object once, never replace it (S3's `If-None-Match: *`). */
export class ObjectExistsError extends Error {
  override name = 'ObjectExistsError';
}

/** Another upload to the same key is being written at this moment. */
export class UploadInProgressError extends Error {
  override name = 'UploadInProgressError';
}

/** The body stopped arriving before its end (the client went away, the connection broke). */
export class UploadInterruptedError extends Error {
  override name = 'UploadInterruptedError';
}

/** A signed storage URL that is not ours, not for this use, or past its expiry. */
export class InvalidStorageUrlError extends Error {
  override name = 'InvalidStorageUrlError';
  constructor(readonly reason: 'invalid' | 'expired') {
    super(reason === 'expired' ? 'The storage URL has expired' : 'The storage URL is not valid');
  }
}
