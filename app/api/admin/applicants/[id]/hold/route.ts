import { z } from 'zod';
import { requireAdminRequest } from '@/lib/admin/session';
import { holdRequest } from '@/lib/contract/hold';
import { fieldErrors } from '@/lib/contract/field-errors';
import { appError } from '@/lib/http/errors';
import { readJson, route } from '@/lib/http/handler';
import { setHold } from '@/lib/privacy/set-hold';

/** Sets or lifts "Keep until <date>" on one applicant (`{ "keep_until": "2027-06-30" | null }`). */
export const PUT = route<{ id: string }>(async (request, { params }) => {
  const actor = await requireAdminRequest(request);
  const { id } = await params;
  if (!z.uuid().safeParse(id).success) throw appError('not_found');
  const parsed = holdRequest.safeParse(await readJson(request));
  if (!parsed.success) throw appError('invalid_request', { fields: fieldErrors(parsed.error) });
  await setHold(id, parsed.data.keep_until, actor);
  return Response.json(
    { keep_until: parsed.data.keep_until },
    { headers: { 'Cache-Control': 'no-store' } },
  );
});
