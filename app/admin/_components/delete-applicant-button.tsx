'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';

export function DeleteApplicantButton({ id, name }: { id: string; name: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const onClick = async () => {
    if (!window.confirm(`Delete ${name} and their resume? This cannot be undone.`)) return;
    setBusy(true);
    setError(null);
    const response = await fetch(`/api/admin/applicants/${id}`, { method: 'DELETE' }).catch(() => null);
    setBusy(false);
    if (response?.ok) router.refresh();
    else setError('Could not delete. Try again.');
  };

  return (
    <>
      <button type="button" className="button-link danger" onClick={onClick} disabled={busy}>
        {busy ? 'Deleting…' : 'Delete applicant'}
      </button>
      {error && (
        <span className="field-error" role="alert">
          {error}
        </span>
      )}
    </>
  );
}
