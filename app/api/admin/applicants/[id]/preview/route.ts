import { z } from 'zod';
import { createPreviewUrlFor } from '@/lib/admin/applicants';
import { requireAdminRequest } from '@/lib/admin/session';
import { appError } from '@/lib/http/errors';
import { route } from '@/lib/http/handler';

/** The first-page image of the list: a fresh short-lived storage URL each time, like "View". */
export const GET = route<{ id: string }>(async (request, { params }) => {
  const actor = await requireAdminRequest(request);
  const { id } = await params;
  if (!z.uuid().safeParse(id).success) throw appError('not_found');
  const url = await createPreviewUrlFor(id, actor);
  return new Response(null, { status: 302, headers: { Location: url, 'Cache-Control': 'no-store' } });
});
