import type { Metadata } from 'next';
import { SignInForm } from '@/app/admin/_components/sign-in-form';
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
        <SignInForm wrongPassword={Boolean(error)} />
      ) : (
        <p className="card">The recruiter view is disabled: set ADMIN_PASSWORD to enable it.</p>
      )}
    </main>
  );
}
