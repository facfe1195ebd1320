import type { ApplicantResponse } from '@/lib/contract/applicant';
import type { ApplicantFields } from '@/lib/contract/applicant-fields';
import type { ErrorBody, FieldErrors } from '@/lib/contract/error-codes';
import { AbortedError } from './aborted-error';

export type { ApplicantFields, ApplicantResponse, FieldErrors };
export type { DirectUploadResponse } from '@/lib/contract/direct-upload';

/** An error answer of the API (`code` from the contract's table), or the network's own failure. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: FieldErrors = {},
  ) {
    super(message);
  }
}

/** POSTs JSON (the API refuses any other Content-Type) and turns error answers into ApiError. */
export async function postJson<T>(path: string, body: unknown, signal?: AbortSignal): Promise<{ body: T; headers: Headers }> {
  let response: Response;
  try {
    response = await fetch(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(body),
      signal,
    });
  } catch {
    if (signal?.aborted) throw new AbortedError();
    throw new ApiError(0, 'network_error', 'Could not reach the server. Check your connection and try again.');
  }
  const payload = (await response.json().catch(() => null)) as
    | (T & Partial<ErrorBody>)
    | null;
  if (signal?.aborted) throw new AbortedError();
  if (response.status !== 200 || !payload) {
    const error = payload?.error;
    throw new ApiError(
      response.status,
      error?.code ?? 'unexpected_response',
      error?.message ?? `The server answered with an unexpected error (HTTP ${response.status}).`,
      error?.fields,
    );
  }
  return { body: payload, headers: response.headers };
}

/** The applicant, and the path of their own signed page (from the Confirmation-Location header). */
export async function createApplicant(fields: ApplicantFields, blobSignedId: string, signal?: AbortSignal) {
  const { body, headers } = await postJson<ApplicantResponse>('/api/users', { ...fields, pdf: blobSignedId }, signal);
  return { applicant: body, confirmationPath: headers.get('Confirmation-Location') };
}
