'use client';

import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';

const wrongPasswordMessage = 'That password is not right.';

/**
 * The sign-in form. It posts natively without JavaScript (303 back here with ?error=1); with it,
 * the answer comes as JSON so that a lockout (429) shows as a sentence on this page, not a raw body.
 */
export function SignInForm({ wrongPassword }: { wrongPassword: boolean }) {
  const router = useRouter();
  const [error, setError] = useState(wrongPassword ? wrongPasswordMessage : '');
  const [busy, setBusy] = useState(false);

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setBusy(true);
    setError('');
    const password = String(new FormData(event.currentTarget).get('password') ?? '');
    const response = await fetch('/api/admin/session', {
      method: 'POST',
      headers: { Accept: 'application/json' },
      body: new URLSearchParams({ password }),
    }).catch(() => null);
    if (response?.ok) {
      router.push('/admin');
      return;
    }
    setBusy(false);
    const body = (await response?.json().catch(() => null)) as { error?: { message?: string } } | null;
    setError(body?.error?.message ?? 'The server could not be reached. Please try again.');
  };

  return (
    <form className="card" method="post" action="/api/admin/session" onSubmit={onSubmit}>
      <div className="field">
        <label className="field-label" htmlFor="password">
          Password
        </label>
        <input id="password" name="password" type="password" autoComplete="current-password" required autoFocus />
        {error && (
          <p className="field-error" role="alert">
            {error}
          </p>
        )}
      </div>
      <div className="actions">
        <button type="submit" className="button" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </div>
    </form>
  );
}
