'use client';

import { useEffect, useRef, useState, type FormEvent } from 'react';
import {
  ApiError,
  createApplicant,
  requestDirectUpload,
  type ApplicantFields,
  type ApplicantResponse,
  type FieldErrors,
} from '@/lib/direct-upload/api-client';
import { checkResumeFile } from '@/lib/direct-upload/check-resume-file';
import { AbortedError, computeChecksum } from '@/lib/direct-upload/compute-checksum';
import { UploadError, uploadToStorage } from '@/lib/direct-upload/upload-to-storage';
import { Confirmation } from './confirmation';
import { FileDropField } from './file-drop-field';
import { ProgressRow } from './progress-row';
import { TextField } from './text-field';

type Phase = 'idle' | 'hashing' | 'uploading' | 'saving';

const emptyFields: ApplicantFields = { first_name: '', last_name: '', email: '' };
const fieldOrder = ['first_name', 'last_name', 'email', 'resume'] as const;
// Server field names that describe the file all belong next to the file input.
const fileFields = new Set(['pdf', 'byte_size', 'checksum', 'content_type', 'filename', 'file', 'metadata']);

function validateFields(values: ApplicantFields): FieldErrors {
  const errors: FieldErrors = {};
  if (!values.first_name.trim()) errors.first_name = 'First name is required';
  if (!values.last_name.trim()) errors.last_name = 'Last name is required';
  if (!values.email.trim()) errors.email = 'Email is required';
  else if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(values.email.trim())) {
    errors.email = 'Enter a valid email address, like name@example.com';
  }
  return errors;
}

function placeServerErrors(fields: FieldErrors): FieldErrors {
  const placed: FieldErrors = {};
  for (const [name, message] of Object.entries(fields)) {
    const target = fileFields.has(name.split('.')[0] ?? name) ? 'resume' : name;
    placed[target] ??= message;
  }
  return placed;
}

export function ApplicantForm({ maxBytes }: { maxBytes: number }) {
  const [values, setValues] = useState<ApplicantFields>(emptyFields);
  const [file, setFile] = useState<File | null>(null);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [phase, setPhase] = useState<Phase>('idle');
  const [hashed, setHashed] = useState(0);
  const [uploaded, setUploaded] = useState(0);
  const [status, setStatus] = useState('');
  const [result, setResult] = useState<{ applicant: ApplicantResponse; confirmationPath: string | null; file: File } | null>(null);
  const upload = useRef<{ file: File; signedId: string } | null>(null);
  const abort = useRef<AbortController | null>(null);
  const busy = phase !== 'idle';

  useEffect(() => () => abort.current?.abort(), []);

  useEffect(() => {
    if (result) document.getElementById('confirmation-title')?.focus();
  }, [result]);

  const focusFirstError = (found: FieldErrors) => {
    const first = fieldOrder.find((name) => found[name]);
    if (first) requestAnimationFrame(() => document.getElementById(first)?.focus());
  };

  const chooseFile = async (chosen: File | null) => {
    setFile(chosen);
    setFormError(null);
    setHashed(0);
    setUploaded(0);
    const problem = chosen ? await checkResumeFile(chosen, maxBytes) : null;
    setErrors(({ resume: _previous, ...rest }) => (problem ? { ...rest, resume: problem } : rest));
  };

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy) return;
    setFormError(null);
    const found = validateFields(values);
    if (!file) found.resume = 'Please attach your resume as a PDF.';
    else {
      const problem = await checkResumeFile(file, maxBytes);
      if (problem) found.resume = problem;
    }
    setErrors(found);
    if (Object.keys(found).length > 0 || !file) {
      setStatus('Some fields need your attention.');
      focusFirstError(found);
      return;
    }

    const controller = new AbortController();
    abort.current = controller;
    const { signal } = controller;
    try {
      // A file already uploaded for this form (say the email was taken) is not sent twice.
      let signedId = upload.current?.file === file ? upload.current.signedId : null;
      if (!signedId) {
        setPhase('hashing');
        setHashed(0);
        setUploaded(0);
        setStatus('Checking your file…');
        const checksum = await computeChecksum(file, { signal, onProgress: (loaded, total) => setHashed(loaded / total) });
        setPhase('uploading');
        setStatus('Uploading your resume…');
        const { direct_upload, blob_signed_id } = await requestDirectUpload(file, checksum, signal);
        await uploadToStorage(direct_upload.url, direct_upload.headers, file, {
          signal,
          onProgress: (loaded, total) => setUploaded(total > 0 ? loaded / total : 1),
          onRetry: (attempt, of) => {
            setUploaded(0);
            setStatus(`The connection dropped. Retrying the upload (attempt ${attempt} of ${of})…`);
          },
        });
        upload.current = { file, signedId: blob_signed_id };
        signedId = blob_signed_id;
      }
      setPhase('saving');
      setStatus('Saving your application…');
      const { applicant, confirmationPath } = await createApplicant(
        { first_name: values.first_name.trim(), last_name: values.last_name.trim(), email: values.email.trim() },
        signedId,
        signal,
      );
      setStatus('Application received.');
      setResult({ applicant, confirmationPath, file });
    } catch (error) {
      if (error instanceof AbortedError || signal.aborted) {
        setStatus('Upload cancelled. Your details are still here.');
        setHashed(0);
        setUploaded(0);
        return;
      }
      if (error instanceof UploadError) {
        upload.current = null;
        setErrors({ resume: error.message });
        setStatus(error.message);
        focusFirstError({ resume: error.message });
      } else if (error instanceof ApiError && Object.keys(error.fields).length > 0) {
        const placed = placeServerErrors(error.fields);
        if (placed.resume) upload.current = null;
        setErrors(placed);
        setStatus(error.message);
        focusFirstError(placed);
      } else {
        const message = error instanceof Error ? error.message : 'Something went wrong. Please try again.';
        setFormError(message);
        setStatus(message);
      }
    } finally {
      abort.current = null;
      setPhase('idle');
    }
  };

  const reset = () => {
    setResult(null);
    setValues(emptyFields);
    setFile(null);
    setErrors({});
    setHashed(0);
    setUploaded(0);
    setStatus('');
    upload.current = null;
  };

  const setField = (name: keyof ApplicantFields) => (value: string) => {
    setValues((current) => ({ ...current, [name]: value }));
    setErrors(({ [name]: _cleared, ...rest }) => rest);
  };

  return (
    <>
      <p className="visually-hidden" role="status" aria-live="polite" data-testid="status">
        {status}
      </p>
      {result ? (
        <Confirmation applicant={result.applicant} confirmationPath={result.confirmationPath} file={result.file} onReset={reset} />
      ) : (
        <form className="card" noValidate onSubmit={onSubmit} aria-busy={busy}>
          <div className="field-row">
            <TextField
              name="first_name"
              label="First name"
              autoComplete="given-name"
              value={values.first_name}
              error={errors.first_name}
              disabled={busy}
              onChange={setField('first_name')}
            />
            <TextField
              name="last_name"
              label="Last name"
              autoComplete="family-name"
              value={values.last_name}
              error={errors.last_name}
              disabled={busy}
              onChange={setField('last_name')}
            />
          </div>
          <TextField
            name="email"
            label="Email"
            type="email"
            autoComplete="email"
            value={values.email}
            error={errors.email}
            disabled={busy}
            onChange={setField('email')}
          />
          <FileDropField file={file} maxBytes={maxBytes} error={errors.resume} disabled={busy} onChange={chooseFile} />

          {(busy || hashed > 0) && (
            <div className="progress" data-testid="progress">
              <ProgressRow id="hash-progress" label="Checking file" fraction={hashed} active={phase === 'hashing'} />
              <ProgressRow id="upload-progress" label="Uploading" fraction={uploaded} active={phase === 'uploading'} />
            </div>
          )}

          {formError && (
            <p className="form-error" role="alert">
              {formError}
            </p>
          )}

          <div className="actions">
            <button type="submit" className="button" disabled={busy}>
              {phase === 'idle' ? 'Submit application' : phase === 'saving' ? 'Saving…' : 'Uploading…'}
            </button>
            {busy && (
              <button type="button" className="button-secondary" onClick={() => abort.current?.abort()}>
                Cancel
              </button>
            )}
          </div>
        </form>
      )}
    </>
  );
}
