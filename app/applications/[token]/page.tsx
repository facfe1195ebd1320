import type { Metadata } from 'next';
import { formatBytes } from '@/lib/format-bytes';
import { inPageRequest } from '@/lib/page-context';
import { readConfirmationToken } from '@/lib/users/confirmation-link';
import { findApplication } from '@/lib/users/find-application';

export const metadata: Metadata = { title: 'Your application — Resume Drop', robots: { index: false } };

export default async function ApplicationPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const userId = await readConfirmationToken(token);
  const application = userId ? await inPageRequest(() => findApplication(userId)) : null;
  return (
    <main className="page">
      <header className="intro">
        <p className="eyebrow">Resume Drop</p>
        <h1>Your application</h1>
      </header>
      {application ? (
        <section className="card confirmation">
          <h2>
            {application.user.firstName} {application.user.lastName}
          </h2>
          <p>
            Received {application.user.createdAt.toUTCString()}. We will write to {application.user.email}.
          </p>
          {application.resume && (
            <div className="confirmation-file">
              <div>
                <strong>{application.resume.filename}</strong>
                <span>{formatBytes(application.resume.byteSize)}</span>
              </div>
              <a className="button" href={application.resume.url ?? '#'} target="_blank" rel="noopener noreferrer">
                View your resume
              </a>
            </div>
          )}
        </section>
      ) : (
        <p className="card" role="alert">
          This link is not valid or has expired.
        </p>
      )}
    </main>
  );
}
