import 'server-only';

/**
 * Why a resume could not be analyzed: every code an analyzer or the queue records in
 * `blobs.analysis_error`, in the recruiter's words (/admin: "Not analyzed: …"), and whether another
 * attempt may do better. `retryable`: the analyzer overran its time (a busy machine can do that to
 * a normal file) or its worker died; every other failure is the file's own and is recorded at once.
 */
export const analysisFailures = {
  invalid_pdf: { label: 'the file is damaged or not a real PDF', retryable: false },
  invalid_docx: { label: 'the file is damaged or not a real Word document', retryable: false },
  encrypted: { label: 'the file is password-protected', retryable: false },
  too_many_pages: { label: 'it has too many pages', retryable: false },
  too_large: { label: 'the file is too large', retryable: false },
  unpacked_too_large: { label: 'it unpacks to far more than a resume (a zip bomb?)', retryable: false },
  file_missing: { label: 'the file is missing from storage', retryable: false },
  memory_limit: { label: 'it is too heavy to read', retryable: false },
  no_analyzer: { label: 'there is no analysis for this type of file', retryable: false },
  timeout: { label: 'it took too long to read', retryable: true },
  analysis_error: { label: 'the analyzer failed', retryable: true },
  gave_up: { label: 'gave up after 3 tries', retryable: false },
} as const satisfies Record<string, { label: string; retryable: boolean }>;

export type AnalysisFailureCode = keyof typeof analysisFailures;

export function isAnalysisFailureCode(value: string): value is AnalysisFailureCode {
  return Object.hasOwn(analysisFailures, value);
}

/** The recruiter's words for a recorded code (one from an older version reads as unreadable). */
export function describeAnalysisFailure(code: string | null): string {
  return code && isAnalysisFailureCode(code) ? analysisFailures[code].label : 'it could not be read';
}
