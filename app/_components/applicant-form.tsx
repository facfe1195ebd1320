'use client';

import { useEffect, useRef, useState, type FormEvent } from 'react';
import { AbortedError } from '@/lib/browser/direct-upload/aborted-error';
import {
  ApiError,
  createApplicant,
  type ApplicantFields,
  type ApplicantResponse,
  type FieldErrors,
} from '@/lib/browser/direct-upload/api-client';
import { applicantFieldMaxLength, validateApplicantFields } from '@/lib/contract/applicant-fields';
import { errorTable } from '@/lib/contract/error-codes';
import { describeFileTypes, fileTypes, type FileTypeName } from '@/lib/contract/file-types';
import { UploadFailed, type UploadState } from '@/lib/browser/direct-upload/direct-upload';
import { useDirectUpload } from '@/lib/browser/direct-upload/use-direct-upload';
import { clearFilled, fillFromResume, stillFilled, type FillableField, type FilledValues } from '@/lib/browser/resume-autofill/fill-fields';
import type { ResumeFields } from '@/lib/browser/resume-autofill/resume-fields';
import { useResumeAutofill } from '@/lib/browser/resume-autofill/use-resume-autofill';
import { Confirmation } from './confirmation';
import { FileDropField } from './file-drop-field';
import { TextField } from './text-field';

type Phase = 'idle' | 'waiting' | 'saving';

const textFields = {
  first_name: { label: 'First name', autoComplete: 'given-name', type: 'text' },
  last_name: { label: 'Last name', autoComplete: 'family-name', type: 'text' },
  email: { label: 'Email', autoComplete: 'email', type: 'email' },
} as const;

const emptyFields: ApplicantFields = { first_name: '', last_name: '', email: '' };
const fieldOrder = ['resume', 'first_name', 'last_name', 'email'] as const;
const spokenNames: Record<FillableField, string> = { first_name: 'first name', last_name: 'last name', email: 'email' };

/** "first name, last name and email" */
function listOf(names: FillableField[]): string {
  const words = names.map((name) => spokenNames[name]);
  return words.length > 1 ? `${words.slice(0, -1).join(', ')} and ${words.at(-1)}` : (words[0] ?? '');
}
// Server field names that describe the file all belong next to the file input.
const fileFields = new Set(['pdf', 'byte_size', 'checksum', 'content_type', 'filename', 'file', 'metadata']);

function placeServerErrors(fields: FieldErrors): FieldErrors {
  const placed: FieldErrors = {};
  for (const [name, message] of Object.entries(fields)) {
    const target = fileFields.has(name.split('.')[0] ?? name) ? 'resume' : name;
    placed[target] ??= message;
  }
  return placed;
}

function submitLabel(phase: Phase, upload: UploadState): string {
  if (phase === 'saving') return 'Saving…';
  if (phase === 'idle') return 'Submit application';
  if (upload.status === 'checking') return 'Checking your file…';
  if (upload.status === 'offline') return 'Waiting for the connection…';
  if (upload.status === 'uploading') return `Finishing upload… ${Math.round(upload.fraction * 100)}%`;
  return 'Submitting…';
}

/** Resolves or rejects with `promise`, or rejects with AbortedError as soon as `signal` aborts. */
function unlessAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new AbortedError());
    const onAbort = () => reject(new AbortedError());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

export function ApplicantForm({ maxBytes, typeNames }: { maxBytes: number; typeNames: readonly FileTypeName[] }) {
  // Names from the server (RESUME_TYPES), the table itself from the contract.
  const [types] = useState(() => typeNames.map((name) => fileTypes[name]));
  const [values, setValues] = useState<ApplicantFields>(emptyFields);
  // What the resume filled in, per field: marked "From your resume" while the field still holds it.
  const [filled, setFilled] = useState<FilledValues>({});
  const [file, setFile] = useState<File | null>(null);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [phase, setPhase] = useState<Phase>('idle');
  const [status, setStatus] = useState('');
  const [result, setResult] = useState<{ applicant: ApplicantResponse; confirmationPath: string | null; file: File } | null>(null);
  // The upload starts the moment a file is chosen; Submit only waits for what is left of it.
  const { state: upload, upload: uploader } = useDirectUpload(file, { maxBytes, types });
  // Meanwhile the file is read on the device, and what it says fills the fields left empty.
  const { reading } = useResumeAutofill(file, {
    maxBytes,
    types,
    onRead: (fields: ResumeFields) => {
      const next = fillFromResume(values, filled, fields);
      setValues(next.values);
      setFilled(next.filled);
      const names = stillFilled(next.values, next.filled);
      if (names.length > 0) setStatus(`We filled in your ${listOf(names)} from your resume. Please check them.`);
    },
  });
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

  const chooseFile = (chosen: File | null) => {
    // What the previous file filled in (and nobody changed since) came from that file: it goes with it.
    const cleared = clearFilled(values, filled);
    setValues(cleared.values);
    setFilled(cleared.filled);
    setFile(chosen);
    setFormError(null);
    setErrors(({ resume: _previous, ...rest }) => rest);
  };

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy) return;
    setFormError(null);
    // The server's own schema and messages: what it would refuse is refused here first.
    const checked = validateApplicantFields(values);
    const found: FieldErrors = { ...checked.fields };
    if (!file) found.resume = `Please attach your resume (${describeFileTypes(types)}).`;
    else if (upload.status === 'invalid') found.resume = upload.message;
    setErrors(found);
    if (Object.keys(found).length > 0 || !file || !checked.data) {
      setStatus(errorTable.validation_failed.message);
      focusFirstError(found);
      return;
    }

    const controller = new AbortController();
    abort.current = controller;
    const { signal } = controller;
    const fields = checked.data;
    try {
      if (upload.status === 'error') uploader.retry();
      if (upload.status !== 'ready') {
        setPhase('waiting');
        setStatus('Your application will be sent as soon as the upload finishes.');
      }
      let ready = await unlessAborted(uploader.whenReady(), signal);
      setPhase('saving');
      setStatus('Saving your application…');
      let created;
      try {
        created = await createApplicant(fields, ready.signedId, signal);
      } catch (error) {
        // The page sat open longer than a blob token lives: upload the same file again, then send.
        if (!(error instanceof ApiError && error.code === 'blob_token_expired')) throw error;
        setPhase('waiting');
        setStatus('Your upload had expired. Uploading it again…');
        ready = await unlessAborted(uploader.refresh(), signal);
        setPhase('saving');
        setStatus('Saving your application…');
        created = await createApplicant(fields, ready.signedId, signal);
      }
      setStatus('Application received.');
      setResult({ ...created, file: ready.file });
    } catch (error) {
      if (error instanceof AbortedError || signal.aborted) {
        setStatus('Submission cancelled. Your details are still here.');
        return;
      }
      if (error instanceof UploadFailed) {
        setStatus('The upload failed. Your details are still here; try the upload again.');
        requestAnimationFrame(() => document.getElementById('resume-retry')?.focus());
      } else if (error instanceof ApiError && Object.keys(error.fields).length > 0) {
        const placed = placeServerErrors(error.fields);
        // The server found the stored file unusable (and deleted it): this file cannot be sent.
        if (placed.resume) uploader.invalidate(placed.resume);
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

  const clearResumeFields = () => {
    const cleared = clearFilled(values, filled);
    setValues(cleared.values);
    setFilled(cleared.filled);
    setStatus(`Cleared the ${listOf(cleared.cleared)} filled in from your resume.`);
    requestAnimationFrame(() => document.getElementById(cleared.cleared[0] ?? 'first_name')?.focus());
  };

  const reset = () => {
    setResult(null);
    setValues(emptyFields);
    setFilled({});
    setFile(null);
    setErrors({});
    setStatus('');
  };

  const setField = (name: keyof ApplicantFields) => (value: string) => {
    setValues((current) => ({ ...current, [name]: value }));
    setErrors(({ [name]: _cleared, ...rest }) => rest);
  };

  const resumeError = errors.resume ?? (upload.status === 'invalid' ? upload.message : undefined);
  const fromResume = new Set(stillFilled(values, filled));

  const textField = (name: keyof typeof textFields) => (
    <TextField
      name={name}
      {...textFields[name]}
      maxLength={applicantFieldMaxLength[name]}
      value={values[name]}
      error={errors[name]}
      note={fromResume.has(name) ? 'From your resume, please check' : undefined}
      disabled={busy}
      onChange={setField(name)}
    />
  );

  return (
    <>
      <p className="visually-hidden" role="status" aria-live="polite" data-testid="status">
        {status}
      </p>
      {result ? (
        <Confirmation applicant={result.applicant} confirmationPath={result.confirmationPath} file={result.file} onReset={reset} />
      ) : (
        <form className="card" noValidate onSubmit={onSubmit} aria-busy={busy}>
          <p className="form-lead" id="form-lead">
            Start with your resume, and we will fill in what we can.
          </p>
          <FileDropField
            file={file}
            upload={upload}
            maxBytes={maxBytes}
            types={types}
            error={resumeError}
            disabled={busy}
            onChange={chooseFile}
            onRetry={uploader.retry}
          />
          <div className="field-row">
            {textField('first_name')}
            {textField('last_name')}
          </div>
          {textField('email')}
          {(reading || fromResume.size > 0) && (
            <div className="autofill-bar">
              {reading ? (
                <p className="hint autofill-reading">Reading your resume to fill in your details…</p>
              ) : (
                <>
                  <p className="hint">Details filled in from your resume.</p>
                  <button type="button" className="button-secondary" disabled={busy} onClick={clearResumeFields}>
                    Clear filled details
                  </button>
                </>
              )}
            </div>
          )}

          {formError && (
            <p className="form-error" role="alert">
              {formError}
            </p>
          )}

          <div className="actions">
            <button type="submit" className="button" disabled={busy}>
              {submitLabel(phase, upload)}
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
