'use client';

import { useRef, useState, type DragEvent } from 'react';
import { formatBytes } from '@/lib/format-bytes';

interface Props {
  file: File | null;
  maxBytes: number;
  error?: string;
  disabled: boolean;
  onChange: (file: File | null) => void;
}

export function FileDropField({ file, maxBytes, error, disabled, onChange }: Props) {
  const input = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);

  const onDrop = (event: DragEvent<HTMLDivElement>) => {
    event.preventDefault();
    setDragging(false);
    if (disabled) return;
    const dropped = event.dataTransfer.files[0];
    if (dropped) onChange(dropped);
  };

  return (
    <div className="field">
      <span className="field-label" id="resume-label">
        Resume (PDF)
      </span>
      <div
        className={`dropzone${dragging ? ' is-dragging' : ''}${error ? ' has-error' : ''}${file ? ' has-file' : ''}`}
        data-testid="dropzone"
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
          accept="application/pdf,.pdf"
          className="visually-hidden"
          aria-labelledby="resume-label"
          aria-describedby={error ? 'resume-hint resume-error' : 'resume-hint'}
          aria-invalid={error ? true : undefined}
          disabled={disabled}
          onChange={(event) => {
            onChange(event.target.files?.[0] ?? null);
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
        <button type="button" className="button-secondary" disabled={disabled} onClick={() => input.current?.click()}>
          {file ? 'Choose another file' : 'Choose a PDF'}
        </button>
        <p className="hint" id="resume-hint">
          PDF only, up to {formatBytes(maxBytes)}.
        </p>
      </div>
      {error && (
        <p className="field-error" id="resume-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
