import type { Metadata } from 'next';
import { getEnv } from '@/lib/env';

export const metadata: Metadata = { title: 'Sign in — Resume Drop', robots: { index: false } };

export default async function AdminLoginPage({ searchParams }: { searchParams: Promise<{ error?: string }> }) {
  const { error } = await searchParams;
  const enabled = Boolean(getEnv().ADMIN_PASSWORD);
  return (
    <main className="page">
      <header className="intro">
        <p className="eyebrow">Resume Drop</p>
        <h1>Recruiter sign-in</h1>
      </header>
      {enabled ? (
        <form className="card" method="post" action="/api/admin/session">
          <div className="field">
            <label className="field-label" htmlFor="password">
              Password
            </label>
            <input id="password" name="password" type="password" autoComplete="current-password" required autoFocus />
            {error && (
              <p className="field-error" role="alert">
                That password is not right.
              </p>
            )}
          </div>
          <div className="actions">
            <button type="submit" className="button">
              Sign in
            </button>
          </div>
        </form>
      ) : (
        <p className="card">The recruiter view is disabled: set ADMIN_PASSWORD to enable it.</p>
      )}
    </main>
  );
}
