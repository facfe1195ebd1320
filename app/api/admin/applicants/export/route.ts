import { exportApplicantsCsv } from '@/lib/admin/applicants';
import { requireAdminRequest } from '@/lib/admin/session';
import { applicantSearchSchema } from '@/lib/contract/applicant-search';
import { route } from '@/lib/http/handler';
import { buildContentDisposition } from '@/lib/storage/content-disposition';

/** The current search (`?q=`, as on /admin), every page of it, as a CSV download. */
export const GET = route(async (request) => {
  const actor = await requireAdminRequest(request);
  const { q } = applicantSearchSchema.parse({ q: new URL(request.url).searchParams.getAll('q') });
  const csv = await exportApplicantsCsv(q, actor);
  const filename = `applicants-${new Date().toISOString().slice(0, 10)}.csv`;
  return new Response(csv, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': buildContentDisposition('attachment', filename),
      'Cache-Control': 'private, no-store',
    },
  });
});
