import { z } from 'zod';
import { deleteApplicant } from '@/lib/admin/applicants';
import { requireAdminRequest } from '@/lib/admin/session';
import { appError } from '@/lib/http/errors';
import { route } from '@/lib/http/handler';

/** Removes the applicant, the attachment, the blob row and the object. */
export const DELETE = route<{ id: string }>(async (request, { params }) => {
  await requireAdminRequest(request);
  const { id } = await params;
  if (!z.uuid().safeParse(id).success) throw appError('not_found');
  await deleteApplicant(id);
  return Response.json({ deleted: true });
});
