import type { Metadata } from 'next';
import Link from 'next/link';
import { DeleteApplicantButton } from '@/app/admin/_components/delete-applicant-button';
import { SignOutButton } from '@/app/admin/_components/sign-out-button';
import { applicantsPerPage, listApplicants } from '@/lib/admin/applicants';
import { requireAdminPage } from '@/lib/admin/session';
import { formatBytes } from '@/lib/format-bytes';

export const metadata: Metadata = { title: 'Applicants — Resume Drop', robots: { index: false } };

const dateFormat = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });

export default async function AdminPage({ searchParams }: { searchParams: Promise<{ q?: string; page?: string }> }) {
  await requireAdminPage();
  const { q = '', page: pageParam } = await searchParams;
  const page = Math.max(1, Number.parseInt(pageParam ?? '1', 10) || 1);
  const { rows, total } = await listApplicants(q, page);
  const pages = Math.max(1, Math.ceil(total / applicantsPerPage));
  const pageLink = (target: number) => `/admin?${new URLSearchParams({ ...(q ? { q } : {}), page: String(target) })}`;

  return (
    <main className="page page-wide">
      <header className="intro admin-header">
        <div>
          <p className="eyebrow">Resume Drop</p>
          <h1>Applicants</h1>
          <p>{total === 1 ? '1 applicant' : `${total} applicants`}{q ? ` matching “${q}”` : ''}</p>
        </div>
        <form method="get" action="/admin" role="search" className="search">
          <label htmlFor="q" className="visually-hidden">
            Search by name or email
          </label>
          <input id="q" name="q" type="search" defaultValue={q} placeholder="Search by name or email" />
          <button type="submit" className="button-secondary">
            Search
          </button>
          <SignOutButton />
        </form>
      </header>
      <div className="card table-card">
        {rows.length === 0 ? (
          <p className="empty">No applicants{q ? ' match this search' : ' yet'}.</p>
        ) : (
          <table>
            <thead>
              <tr>
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
                  <td>
                    {row.firstName} {row.lastName}
                  </td>
                  <td>{row.email}</td>
                  <td>
                    {row.filename ? (
                      <>
                        {/* The link makes a fresh, short-lived URL only when clicked. */}
                        <a href={`/api/admin/applicants/${row.id}/resume`} target="_blank" rel="noopener noreferrer">
                          View
                        </a>{' '}
                        <span className="muted">
                          {row.filename} · {formatBytes(row.byteSize ?? 0)}
                        </span>
                      </>
                    ) : (
                      <span className="muted">none</span>
                    )}
                  </td>
                  <td>{dateFormat.format(row.createdAt)}</td>
                  <td>
                    <DeleteApplicantButton id={row.id} name={`${row.firstName} ${row.lastName}`} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      {pages > 1 && (
        <nav className="pagination" aria-label="Pages">
          {page > 1 ? <Link href={pageLink(page - 1)}>← Newer</Link> : <span />}
          <span>
            Page {page} of {pages}
          </span>
          {page < pages ? <Link href={pageLink(page + 1)}>Older →</Link> : <span />}
        </nav>
      )}
    </main>
  );
}
