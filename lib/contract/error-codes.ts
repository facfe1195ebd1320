/**
 * Every error code the API answers with, its HTTP status and its default message: the one table
 * the server throws from (lib/http/errors.ts), the browser reads, and the README is checked
 * against. Pure data, so browser code may import it.
 */
export const errorTable = {
  invalid_request: { status: 400, message: 'The request is missing fields or has fields of the wrong type.' },
  malformed_json: { status: 400, message: 'The request body is not valid JSON.' },
  upload_interrupted: { status: 400, message: 'The upload was interrupted before all its bytes arrived. Please try again.' },
  unauthorized: { status: 401, message: 'Sign in at /admin/login first.' },
  wrong_password: { status: 401, message: 'That password is not right.' },
  cross_site_request: { status: 403, message: 'Requests from other sites are not accepted. Use the application form on this site.' },
  endpoint_disabled: { status: 403, message: 'This endpoint is disabled.' },
  url_expired: { status: 403, message: 'This link has expired. Start again to get a fresh one.' },
  invalid_signature: { status: 403, message: 'This link is not valid.' },
  invalid_jobs_token: { status: 403, message: 'This request to work the job queue is not signed by this app.' },
  jobs_token_expired: { status: 403, message: 'This request to work the job queue has expired.' },
  invalid_application_link: { status: 403, message: 'This link to an application is not valid.' },
  application_link_expired: { status: 403, message: 'This link to your application has expired.' },
  not_found: { status: 404, message: 'This applicant does not exist.' },
  application_gone: { status: 410, message: 'This application has already been withdrawn or deleted: nothing about it is stored any more.' },
  email_taken: { status: 409, message: 'An application with this email address already exists.' },
  blob_already_attached: { status: 409, message: 'This upload has already been used for an application.' },
  upload_in_progress: { status: 409, message: 'An upload to this URL is already in progress.' },
  already_uploaded: { status: 412, message: 'This file has already been uploaded; an upload URL cannot overwrite it.' },
  body_too_large: { status: 413, message: 'The request body is too large.' },
  unsupported_media_type: { status: 415, message: 'Send the body as JSON, with Content-Type: application/json.' },
  unsupported_content_type: { status: 415, message: 'Send the form as application/x-www-form-urlencoded.' },
  unsupported_file_type: { status: 415, message: 'This type of file is not accepted as a resume.' },
  content_type_mismatch: { status: 415, message: 'This upload URL only accepts the Content-Type it was signed for.' },
  resume_required: { status: 422, message: 'Attach your resume to apply.' },
  validation_failed: { status: 422, message: 'Some fields need your attention.' },
  invalid_byte_size: { status: 422, message: 'The file is empty or its size is not a whole number of bytes.' },
  file_too_large: { status: 422, message: 'The file is larger than the limit.' },
  checksum_mismatch: { status: 422, message: 'The uploaded bytes do not match the checksum this upload was signed for.' },
  length_mismatch: { status: 422, message: 'The body is not the length this upload was signed for.' },
  invalid_blob_token: { status: 422, message: 'The uploaded file reference is not valid. Please upload your resume again.' },
  blob_token_expired: { status: 422, message: 'The uploaded file has expired. Please upload your resume again.' },
  blob_not_found: { status: 422, message: 'The uploaded file could not be found. Please upload your resume again.' },
  upload_incomplete: { status: 422, message: 'The file has not been uploaded yet. Upload it, then submit again.' },
  upload_corrupted: { status: 422, message: 'The stored file does not match the one you chose. Please upload it again.' },
  file_type_not_accepted: { status: 422, message: 'This type of resume is not accepted here.' },
  not_a_pdf: { status: 422, message: 'This file is not a PDF. Please choose a PDF version of your resume.' },
  not_a_docx: { status: 422, message: 'This file is not a Word document (.docx). Please save your resume as .docx again, or choose a PDF.' },
  rate_limited: { status: 429, message: 'Too many attempts from your network. Please try again later.' },
  too_many_pending_uploads: { status: 429, message: 'Too many uploads from your network were never used in an application. Please try again later.' },
  internal_error: { status: 500, message: 'Something went wrong on our side. Please try again.' },
  database_unavailable: { status: 503, message: 'The database is not answering right now. Please try again in a moment.' },
  storage_unavailable: { status: 503, message: 'File storage is not answering right now. Please try again in a moment.' },
  pending_uploads_full: { status: 503, message: 'Too many uploads are waiting to be used in an application right now. Please try again later.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof errorTable;

/** Field name (dotted path for nested ones) → what is wrong with it. */
export type FieldErrors = Record<string, string>;

/** The body of every error answer. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; fields?: FieldErrors };
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(errorTable, value);
}
