import Link from 'next/link';

/** "← Newer · Page n of m · Older →" under a list shown newest first; nothing for one page. */
export function Pagination({ page, pages, pageLink }: { page: number; pages: number; pageLink: (page: number) => string }) {
  if (pages <= 1) return null;
  return (
    <nav className="pagination" aria-label="Pages">
      {page > 1 ? <Link href={pageLink(page - 1)}>← Newer</Link> : <span />}
      <span>
        Page {page} of {pages}
      </span>
      {page < pages ? <Link href={pageLink(page + 1)}>Older →</Link> : <span />}
    </nav>
  );
}
