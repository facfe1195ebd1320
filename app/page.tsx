import { connection } from 'next/server';
import { ApplicantForm } from '@/app/_components/applicant-form';
import { getEnv } from '@/lib/env';
import { getPrivacyNotice } from '@/lib/privacy/privacy-notice';

export default async function HomePage() {
  // Read the limit at request time, not at build time: it is runtime configuration.
  await connection();
  const { MAX_UPLOAD_BYTES, RESUME_TYPES } = getEnv();
  return (
    <main className="page">
      <header className="intro">
        <p className="eyebrow">Resume Drop</p>
        <h1>Apply in a minute</h1>
        <p>Attach your resume, check your details, and send. Your file goes straight to secure storage.</p>
      </header>
      <ApplicantForm maxBytes={MAX_UPLOAD_BYTES} typeNames={RESUME_TYPES} />
      <p className="privacy-link">
        <a href={getPrivacyNotice().href}>How we handle your data</a>
      </p>
    </main>
  );
}
