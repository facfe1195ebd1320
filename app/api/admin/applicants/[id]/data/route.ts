import { z } from 'zod';
import { requireAdminRequest } from '@/lib/admin/session';
import { appError } from '@/lib/http/errors';
import { route } from '@/lib/http/handler';
import { exportApplicantData } from '@/lib/privacy/export-applicant-data';
import { buildContentDisposition } from '@/lib/storage/content-disposition';

/** "Download data": everything stored about one applicant, as a ZIP streamed while it is made. */
export const GET = route<{ id: string }>(async (request, { params }) => {
  const actor = await requireAdminRequest(request);
  const { id } = await params;
  if (!z.uuid().safeParse(id).success) throw appError('not_found');
  const data = await exportApplicantData(id, actor);
  return new Response(data.body, {
    headers: {
      'Content-Type': 'application/zip',
      'Content-Disposition': buildContentDisposition('attachment', data.filename),
      'Cache-Control': 'private, no-store',
    },
  });
});
