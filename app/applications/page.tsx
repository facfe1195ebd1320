import type { Metadata } from 'next';
import { connection } from 'next/server';
import { ApplicationView } from '@/app/_components/application-view';

export const metadata: Metadata = { title: 'Your application — Resume Drop', robots: { index: false } };

export default async function ApplicationPage() {
  // Rendered per request: the page's scripts carry this response's CSP nonce (proxy.ts).
  await connection();
  return (
    <main className="page">
      <header className="intro">
        <p className="eyebrow">Resume Drop</p>
        <h1>Your application</h1>
      </header>
      <ApplicationView />
    </main>
  );
}
