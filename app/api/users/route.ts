import { unprocessable } from '@/lib/http/errors';
import { fieldErrors, publicOrigin, readJson, route } from '@/lib/http/handler';
import { enforceRateLimit } from '@/lib/http/rate-limit';
import { applicantRequestSchema } from '@/lib/users/applicant-request';
import { createApplicant } from '@/lib/users/create-applicant';

export const POST = route(async (request) => {
  await enforceRateLimit(request, 'users');
  const parsed = applicantRequestSchema.safeParse(await readJson(request));
  if (!parsed.success) {
    throw unprocessable('validation_failed', 'Some fields need your attention.', fieldErrors(parsed.error));
  }
  const applicant = await createApplicant(parsed.data, publicOrigin(request));
  return Response.json(applicant, { headers: { 'Cache-Control': 'no-store' } });
});
