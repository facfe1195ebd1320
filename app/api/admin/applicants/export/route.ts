import { exportApplicantsCsv } from '@/lib/admin/applicants';
import { requireAdminRequest } from '@/lib/admin/session';
import { route } from '@/lib/http/handler';
import { buildContentDisposition } from '@/lib/storage/content-disposition';

/** The current search (`?q=`, as on /admin), every page of it, as a CSV download. */
export const GET = route(async (request) => {
  const actor = await requireAdminRequest(request);
  const search = new URL(request.url).searchParams.get('q') ?? '';
  const csv = await exportApplicantsCsv(search, actor);
  const filename = `applicants-${new Date().toISOString().slice(0, 10)}.csv`;
  return new Response(csv, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': buildContentDisposition('attachment', filename),
      'Cache-Control': 'private, no-store',
    },
  });
});
