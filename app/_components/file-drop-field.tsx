'use client';

import { useRef, useState, type DragEvent } from 'react';
import type { UploadState } from '@/lib/browser/direct-upload/direct-upload';
import { acceptAttribute, describeExtensions, describeFileTypes, maxBytesOf, type FileType } from '@/lib/contract/file-types';
import { formatBytes } from '@/lib/format-bytes';
import { UploadProgress, uploadAnnouncement } from './upload-progress';

interface Props {
  file: File | null;
  upload: UploadState;
  maxBytes: number;
  types: readonly FileType[];
  error?: string;
  disabled: boolean;
  onChange: (file: File | null) => void;
  onRetry: () => void;
}

export function FileDropField({ file, upload, maxBytes, types, error, disabled, onChange, onRetry }: Props) {
  const input = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);
  const [removed, setRemoved] = useState<string | null>(null);

  const onDrop = (event: DragEvent<HTMLDivElement>) => {
    event.preventDefault();
    setDragging(false);
    if (disabled) return;
    const dropped = event.dataTransfer.files[0];
    if (dropped) choose(dropped);
  };

  const choose = (chosen: File | null) => {
    setRemoved(null);
    onChange(chosen);
  };

  const remove = () => {
    const wasRunning = upload.status === 'checking' || upload.status === 'uploading' || upload.status === 'offline';
    setRemoved(wasRunning ? 'File removed; its upload was cancelled.' : 'File removed.');
    onChange(null);
    input.current?.focus();
  };

  const showsState = file && upload.status !== 'idle' && upload.status !== 'invalid';
  const describedBy = ['resume-hint', showsState && 'resume-state', error && 'resume-error'].filter(Boolean).join(' ');

  return (
    <div className="field">
      <span className="field-label" id="resume-label">
        Resume ({describeFileTypes(types)})
      </span>
      <div
        className={`dropzone${dragging ? ' is-dragging' : ''}${error ? ' has-error' : ''}${file ? ' has-file' : ''}`}
        data-testid="dropzone"
        data-state={upload.status}
        onDragOver={(event) => {
          event.preventDefault();
          if (!disabled) setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <input
          ref={input}
          id="resume"
          name="resume"
          type="file"
          accept={acceptAttribute(types)}
          className="visually-hidden"
          aria-labelledby="resume-label"
          aria-describedby={describedBy}
          aria-invalid={error ? true : undefined}
          disabled={disabled}
          onChange={(event) => {
            choose(event.target.files?.[0] ?? null);
            event.target.value = '';
          }}
        />
        <svg className="dropzone-icon" viewBox="0 0 24 24" aria-hidden="true">
          <path d="M14 2H6a2 2 0 0 0-2 2v16a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V8z" />
          <path d="M14 2v6h6M12 18v-6M9 15l3-3 3 3" />
        </svg>
        {file ? (
          <div className="dropzone-file">
            <strong>{file.name}</strong>
            <span>{formatBytes(file.size)}</span>
          </div>
        ) : (
          <p className="dropzone-text">Drag your resume here, or</p>
        )}
        {file && <UploadProgress state={upload} disabled={disabled} onRetry={onRetry} />}
        <div className="dropzone-actions">
          <button type="button" className="button-secondary" disabled={disabled} onClick={() => input.current?.click()}>
            {file ? 'Choose another file' : types.length === 1 ? `Choose ${types[0]!.noun}` : 'Choose a file'}
          </button>
          {file && (
            <button type="button" className="button-secondary" disabled={disabled} onClick={remove} aria-label={`Remove ${file.name}`}>
              Remove
            </button>
          )}
        </div>
        <p className="hint" id="resume-hint">
          {types.length === 1 ? `${types[0]!.label} only` : `${describeFileTypes(types)} (${describeExtensions(types)})`}, {sizeLimits(types, maxBytes)}.
        </p>
      </div>
      {error && (
        <p className="field-error" id="resume-error" role="alert">
          {error}
        </p>
      )}
      {/* Polite: the upload's progress in a few steps, never every percent. */}
      <p className="visually-hidden" role="status" aria-live="polite" data-testid="upload-status">
        {removed ?? uploadAnnouncement(upload)}
      </p>
    </div>
  );
}

/** "up to 50 MB, Word up to 20 MB": MAX_UPLOAD_BYTES, and the types whose own ceiling is lower. */
function sizeLimits(types: readonly FileType[], maxBytes: number): string {
  const limits = types.map((type) => maxBytesOf(type, maxBytes));
  const top = Math.max(...limits);
  return [`up to ${formatBytes(top)}`, ...types.flatMap((type, index) => (limits[index]! < top ? [`${type.label} up to ${formatBytes(limits[index]!)}`] : []))].join(', ');
}
