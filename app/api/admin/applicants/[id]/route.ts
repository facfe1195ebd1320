import { z } from 'zod';
import { deleteApplicant } from '@/lib/admin/applicants';
import { requireAdminRequest } from '@/lib/admin/session';
import { appError } from '@/lib/http/errors';
import { route } from '@/lib/http/handler';

/** Removes everything about the applicant (lib/privacy/erase-applicant.ts). */
export const DELETE = route<{ id: string }>(async (request, { params }) => {
  const actor = await requireAdminRequest(request);
  const { id } = await params;
  if (!z.uuid().safeParse(id).success) throw appError('not_found');
  await deleteApplicant(id, actor);
  return Response.json({ deleted: true });
});
