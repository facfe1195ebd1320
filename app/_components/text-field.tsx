interface Props {
  name: string;
  label: string;
  type?: 'text' | 'email';
  autoComplete: string;
  maxLength: number;
  value: string;
  error?: string;
  disabled: boolean;
  onChange: (value: string) => void;
}

export function TextField({ name, label, type = 'text', autoComplete, maxLength, value, error, disabled, onChange }: Props) {
  const errorId = `${name}-error`;
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
        aria-describedby={error ? errorId : undefined}
        onChange={(event) => onChange(event.target.value)}
      />
      {error && (
        <p className="field-error" id={errorId}>
          {error}
        </p>
      )}
    </div>
  );
}
