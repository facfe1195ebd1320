'use client';

import { useRouter } from 'next/navigation';

export function SignOutButton() {
  const router = useRouter();
  return (
    <button
      type="button"
      className="button-secondary"
      onClick={async () => {
        await fetch('/api/admin/session', { method: 'DELETE' });
        router.push('/admin/login');
      }}
    >
      Sign out
    </button>
  );
}
