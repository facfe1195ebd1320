import { AbortedError } from './aborted-error';

export type FieldErrors = Record<string, string>;

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

export interface DirectUploadResponse {
  direct_upload: { url: string; headers: Record<string, string> };
  blob_signed_id: string;
}

export interface ApplicantResponse {
  id: string;
  email: string;
  first_name: string;
  last_name: string;
  created_at: string;
  resume_url: string | null;
}

export interface ApplicantFields {
  first_name: string;
  last_name: string;
  email: string;
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
    | (T & { error?: { code: string; message: string; fields?: FieldErrors } })
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
