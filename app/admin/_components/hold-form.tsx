'use client';

import { useRouter } from 'next/navigation';
import { useId, useState, type FormEvent } from 'react';

/** "Keep until <date>": a hold that retention respects; an empty date lifts it. */
export function HoldForm({
  id,
  name,
  keepUntil,
}: {
  id: string;
  name: string;
  keepUntil: string | null;
}) {
  const router = useRouter();
  const inputId = useId();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const value = new FormData(event.currentTarget).get('keep_until');
    setBusy(true);
    setError(null);
    const response = await fetch(`/api/admin/applicants/${id}/hold`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ keep_until: typeof value === 'string' && value ? value : null }),
    }).catch(() => null);
    setBusy(false);
    if (response?.ok) router.refresh();
    else setError('Could not save. Try again.');
  };

  return (
    <form className="hold-form" onSubmit={onSubmit}>
      <label htmlFor={inputId}>
        Keep until <span className="visually-hidden">(hold for {name})</span>
      </label>
      <input id={inputId} name="keep_until" type="date" defaultValue={keepUntil ?? ''} />
      <button type="submit" className="button-link" disabled={busy}>
        {busy ? 'Saving…' : 'Save'}
      </button>
      {error && (
        <span className="field-error" role="alert">
          {error}
        </span>
      )}
    </form>
  );
}
