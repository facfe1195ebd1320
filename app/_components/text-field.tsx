interface Props {
  name: string;
  label: string;
  type?: 'text' | 'email';
  autoComplete: string;
  maxLength: number;
  value: string;
  error?: string;
  /** A short note under the field, e.g. where its value came from. */
  note?: string;
  disabled: boolean;
  onChange: (value: string) => void;
}

export function TextField({ name, label, type = 'text', autoComplete, maxLength, value, error, note, disabled, onChange }: Props) {
  const errorId = `${name}-error`;
  const noteId = `${name}-note`;
  const describedBy = [note && noteId, error && errorId].filter(Boolean).join(' ') || undefined;
  return (
    <div className="field">
      <label className="field-label" htmlFor={name}>
        {label}
      </label>
      <input
        id={name}
        name={name}
        type={type}
        autoComplete={autoComplete}
        value={value}
        maxLength={maxLength}
        required
        disabled={disabled}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        className={note ? 'is-filled' : undefined}
        onChange={(event) => onChange(event.target.value)}
      />
      {note && (
        <p className="field-note" id={noteId}>
          {note}
        </p>
      )}
      {error && (
        <p className="field-error" id={errorId}>
          {error}
        </p>
      )}
    </div>
  );
}
