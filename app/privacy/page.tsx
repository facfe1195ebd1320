import type { Metadata } from 'next';
import { connection } from 'next/server';
import { getPrivacyNotice } from '@/lib/privacy/privacy-notice';

export const metadata: Metadata = { title: 'How we handle your data — Resume Drop' };

export default async function PrivacyPage() {
  // Runtime configuration (RETENTION_DAYS), not the build's.
  await connection();
  const notice = getPrivacyNotice();
  return (
    <main className="page">
      <header className="intro">
        <p className="eyebrow">Resume Drop</p>
        <h1>How we handle your data</h1>
      </header>
      <section className="card">
        <h2>What we store</h2>
        <p>
          Your first and last name, your email address, the resume you upload (the file, its name,
          size and checksum), and what we read from it: its number of pages, the document&rsquo;s own
          title and author, its text (so that recruiters can search it) and, for a PDF, an image of
          its first page.
        </p>
        <h2>Where</h2>
        <p>
          Your details and the text of your resume are kept in our database; the file and its
          first-page image in{' '}
          {notice.storage === 's3'
            ? 'our private cloud storage bucket'
            : 'private storage on our server'}
          . Nothing is public: a link to your resume works for a few minutes only.
        </p>
        <h2>For how long</h2>
        <p>
          {notice.retention
            ? `Your application is deleted ${notice.retention} after you send it, unless a recruiter must keep it longer for a hiring decision under way (a hold until a set date).`
            : 'Your application is kept until you withdraw it or a recruiter deletes it.'}{' '}
          A record of who viewed or changed applications (without your name or email) is kept for{' '}
          {notice.auditRetention}.
        </p>
        <h2>Who sees it</h2>
        <p>
          Only the recruiters of this hiring team, after signing in. Every view of your resume and
          every download of your data is recorded.
        </p>
        <h2>Your rights</h2>
        <p>
          The confirmation after you apply links to your application&rsquo;s own page, where you can
          see what we store and <strong>withdraw your application</strong>: everything about it is
          deleted at once. To receive a copy of your data, or for any other request, write to the
          recruiter who contacted you; they can download everything stored about you.
        </p>
      </section>
    </main>
  );
}
