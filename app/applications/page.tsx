import type { Metadata } from 'next';
import { ApplicationView } from '@/app/_components/application-view';

export const metadata: Metadata = {
  title: 'Your application — Resume Drop',
  robots: { index: false },
};

export default function ApplicationPage() {
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
