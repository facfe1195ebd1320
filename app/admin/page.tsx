import type { Metadata } from 'next';
import Image from 'next/image';
import Link from 'next/link';
import { DeleteApplicantButton } from '@/app/admin/_components/delete-applicant-button';
import { HoldForm } from '@/app/admin/_components/hold-form';
import { SignOutButton } from '@/app/admin/_components/sign-out-button';
import { applicantsPerPage, listApplicants, type ApplicantRow } from '@/lib/admin/applicants';
import { requireAdminPage } from '@/lib/admin/session';
import { describeAnalysisFailure } from '@/lib/analysis/failures';
import { fileTypeByContentType } from '@/lib/contract/file-types';
import { applicantSearchSchema, maxSearchLength } from '@/lib/contract/applicant-search';
import { formatBytes } from '@/lib/format-bytes';
import { listUndeliveredMail } from '@/lib/mail/undelivered-mail';
import { Pagination } from './_components/pagination';

export const metadata: Metadata = { title: 'Applicants — Resume Drop', robots: { index: false } };

const dateFormat = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });

const previewWidth = 90;

const mailKinds: Record<string, string> = {
  'applicant-confirmation': 'Confirmation',
  'recruiter-notice': 'Notice of the application',
  'recruiter-digest': 'Hourly digest',
};

function Preview({ row }: { row: ApplicantRow }) {
  if (row.preview && row.filename) {
    return (
      // Through our route, which redirects to a fresh short-lived storage URL: no optimizer.
      <Image
        unoptimized
        className="preview"
        src={`/api/admin/applicants/${row.id}/preview`}
        alt={`First page of ${row.filename}`}
        width={previewWidth}
        height={Math.round((previewWidth * row.preview.height) / row.preview.width)}
      />
    );
  }
  const type = row.contentType ? fileTypeByContentType(row.contentType) : undefined;
  const label = !row.filename
    ? 'No resume'
    : row.analysis === 'queued'
      ? 'Analysis queued'
      : row.analysis === 'analyzing'
        ? 'Analyzing'
        : type && !type.previewed
          ? `${type.label} document, no preview`
          : 'No preview';
  return (
    <div className="preview preview-placeholder" role="img" aria-label={row.filename ? `${label} of ${row.filename}` : label}>
      <span aria-hidden="true">{label}</span>
    </div>
  );
}

function ResumeDetails({ row }: { row: ApplicantRow }) {
  if (!row.filename) return <span className="muted">none</span>;
  const pages = row.pageCount === null ? null : row.pageCount === 1 ? '1 page' : `${row.pageCount} pages`;
  return (
    <>
      {/* The link makes a fresh, short-lived URL only when clicked. */}
      <a href={`/api/admin/applicants/${row.id}/resume`} target="_blank" rel="noopener noreferrer">
        View
      </a>{' '}
      <span className="muted">
        {row.filename} · {formatBytes(row.byteSize ?? 0)}
        {pages && ` · ${pages}`}
      </span>
      {row.analysis === 'failed' && (
        <p className="analysis-note">Not analyzed: {describeAnalysisFailure(row.analysisError)}.</p>
      )}
      {row.excerpt && (
        <p className="excerpt" data-testid="excerpt">
          …
          {row.excerpt.map((part, index) => (part.highlighted ? <mark key={index}>{part.text}</mark> : part.text))}…
        </p>
      )}
    </>
  );
}

export default async function AdminPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireAdminPage();
  const { q, page } = applicantSearchSchema.parse(await searchParams);
  const [{ rows, total }, undelivered] = await Promise.all([listApplicants(q, page), listUndeliveredMail()]);
  const pages = Math.max(1, Math.ceil(total / applicantsPerPage));
  const pageLink = (target: number) => `/admin?${new URLSearchParams({ ...(q ? { q } : {}), page: String(target) })}`;

  return (
    <main className="page page-wide">
      <header className="intro admin-header">
        <div>
          <p className="eyebrow">Resume Drop</p>
          <h1>Applicants</h1>
          <p>
            {total === 1 ? '1 applicant' : `${total} applicants`}
            {q ? ` matching “${q}”` : ''}
            {total > 0 && (
              <>
                {' · '}
                <a href={`/api/admin/applicants/export${q ? `?${new URLSearchParams({ q })}` : ''}`} download>
                  Download CSV
                </a>
              </>
            )}
            {' · '}
            <Link href="/admin/audit">Audit trail</Link>
          </p>
        </div>
        <form method="get" action="/admin" role="search" className="search">
          <label htmlFor="q" className="visually-hidden">
            Search names, emails and resumes
          </label>
          <input id="q" name="q" type="search" defaultValue={q} maxLength={maxSearchLength} placeholder="Search names, emails and resumes" />
          <button type="submit" className="button-secondary">
            Search
          </button>
          <SignOutButton />
        </form>
      </header>
      {undelivered.length > 0 && (
        <section className="card undelivered" aria-labelledby="undelivered-title" data-testid="undelivered-mail">
          <h2 id="undelivered-title">Email not delivered</h2>
          <ul>
            {undelivered.map((mail, index) => (
              <li key={index}>
                {mailKinds[mail.kind] ?? mail.kind}
                {mail.applicant ? ` (${mail.applicant})` : ''}: <code>{mail.reason}</code> ({dateFormat.format(mail.failedAt)})
              </li>
            ))}
          </ul>
        </section>
      )}
      <div className="card table-card">
        {rows.length === 0 ? (
          <p className="empty">No applicants{q ? ' match this search' : ' yet'}.</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">
                  <span className="visually-hidden">Preview</span>
                </th>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Resume</th>
                <th scope="col">Applied (UTC)</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.id} data-testid="applicant-row">
                  <td className="preview-cell">
                    <Preview row={row} />
                  </td>
                  <td>
                    {row.firstName} {row.lastName}
                  </td>
                  <td>{row.email}</td>
                  <td>
                    <ResumeDetails row={row} />
                  </td>
                  <td>{dateFormat.format(row.createdAt)}</td>
                  <td>
                    <a href={`/api/admin/applicants/${row.id}/data`} download>
                      Download data
                    </a>
                    <HoldForm id={row.id} name={`${row.firstName} ${row.lastName}`} keepUntil={row.keepUntil} />
                    <DeleteApplicantButton id={row.id} name={`${row.firstName} ${row.lastName}`} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      <Pagination page={page} pages={pages} pageLink={pageLink} />
    </main>
  );
}
