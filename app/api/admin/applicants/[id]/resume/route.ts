import { z } from 'zod';
import { createResumeUrlFor } from '@/lib/admin/applicants';
import { requireAdminRequest } from '@/lib/admin/session';
import { appError } from '@/lib/http/errors';
import { route } from '@/lib/http/handler';

/** "View": a fresh short-lived download URL, made at the moment of the click. */
export const GET = route<{ id: string }>(async (request, { params }) => {
  const actor = await requireAdminRequest(request);
  const { id } = await params;
  if (!z.uuid().safeParse(id).success) throw appError('not_found');
  const url = await createResumeUrlFor(id, actor);
  return new Response(null, { status: 302, headers: { Location: url, 'Cache-Control': 'no-store' } });
});
