import type { Metadata } from 'next';
import Link from 'next/link';
import { requireAdminPage } from '@/lib/admin/session';
import { auditEventsPerPage, listAuditEvents } from '@/lib/audit/list-audit-events';
import { auditActionLabels, auditQuery } from '@/lib/contract/audit';
import { Pagination } from '../_components/pagination';

export const metadata: Metadata = { title: 'Audit trail — Resume Drop', robots: { index: false } };

const dateFormat = new Intl.DateTimeFormat('en-GB', {
  dateStyle: 'medium',
  timeStyle: 'medium',
  timeZone: 'UTC',
});

export default async function AuditPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requireAdminPage();
  const query = auditQuery.parse(await searchParams);
  const { rows, total } = await listAuditEvents(
    { action: query.action, applicantId: query.applicant },
    query.page,
  );
  const pages = Math.max(1, Math.ceil(total / auditEventsPerPage));
  const pageLink = (target: number) =>
    `/admin/audit?${new URLSearchParams({ ...(query.action ? { action: query.action } : {}), ...(query.applicant ? { applicant: query.applicant } : {}), page: String(target) })}`;

  return (
    <main className="page page-wide">
      <header className="intro">
        <p className="eyebrow">
          <Link href="/admin">Applicants</Link>
        </p>
        <h1>Audit trail</h1>
        <p>
          {total === 1 ? '1 entry' : `${total} entries`}, newest first. Entries are kept for the
          audit retention period and cannot be changed.
        </p>
      </header>
      <form
        method="get"
        action="/admin/audit"
        className="audit-filter"
        role="search"
        aria-label="Filter the audit trail"
      >
        <label>
          Action
          <select name="action" defaultValue={query.action ?? ''}>
            <option value="">Any</option>
            {Object.entries(auditActionLabels).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Applicant id
          <input
            name="applicant"
            type="text"
            defaultValue={query.applicant ?? ''}
            size={38}
            spellCheck={false}
          />
        </label>
        <button type="submit" className="button-secondary">
          Filter
        </button>
      </form>
      <div className="card table-card">
        {rows.length === 0 ? (
          <p className="empty">
            No entries{query.action || query.applicant ? ' match this filter' : ' yet'}.
          </p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">Time (UTC)</th>
                <th scope="col">Actor</th>
                <th scope="col">Action</th>
                <th scope="col">Applicant</th>
                <th scope="col">Client address</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.id} data-testid="audit-row">
                  <td>{dateFormat.format(row.occurredAt)}</td>
                  <td>
                    {row.actor}
                    {row.actorSession && (
                      <span className="muted"> · session {row.actorSession}</span>
                    )}
                  </td>
                  <td>{auditActionLabels[row.action]}</td>
                  <td>
                    {row.applicantId ? (
                      <Link
                        href={`/admin/audit?${new URLSearchParams({ applicant: row.applicantId })}`}
                      >
                        {row.applicantId}
                      </Link>
                    ) : (
                      '—'
                    )}
                  </td>
                  <td>{row.clientAddress ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      <Pagination page={query.page} pages={pages} pageLink={pageLink} />
    </main>
  );
}
