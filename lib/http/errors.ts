import 'server-only';
import { errorTable, isErrorCode, type ErrorCode, type FieldErrors } from '@/lib/contract/error-codes';

export type { ErrorCode, FieldErrors };

interface ErrorDetails {
  /** Overrides the table's default message, to say more for this case. */
  message?: string;
  fields?: FieldErrors;
  headers?: Record<string, string>;
}

/**
 * An error whose message is written for the person who caused it. Its status comes from the one
 * table (lib/contract/error-codes.ts): a throw site names a code, never a status.
 */
export class AppError extends Error {
  override name = 'AppError';
  readonly status: number;
  readonly fields?: FieldErrors;
  readonly headers?: Record<string, string>;

  constructor(
    readonly code: ErrorCode,
    details: ErrorDetails = {},
  ) {
    super(details.message ?? errorTable[code].message);
    this.status = errorTable[code].status;
    this.fields = details.fields;
    this.headers = details.headers;
  }
}

/** The error to throw for `code`, with the table's status and, unless overridden, its message. */
export function appError(code: ErrorCode, details?: ErrorDetails): AppError {
  return new AppError(code, details);
}

/**
 * The code a lower layer's error answers with (`publicCode`, e.g. the storage's
 * `storage_unavailable`), so that this layer need not know the class: its message stays in logs.
 */
export function publicCodeOf(error: unknown): ErrorCode | null {
  const code = error instanceof Error && 'publicCode' in error ? error.publicCode : undefined;
  return isErrorCode(code) ? code : null;
}
