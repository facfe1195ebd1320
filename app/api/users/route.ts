import { appError } from '@/lib/http/errors';
import { readJson, route } from '@/lib/http/handler';
import { applicantRequestSchema } from '@/lib/contract/applicant';
import { fieldErrors } from '@/lib/contract/field-errors';
import { createConfirmationPath } from '@/lib/users/confirmation-link';
import { createApplicant } from '@/lib/users/create-applicant';

export const POST = route({ rateLimit: 'users' }, async (request) => {
  const parsed = applicantRequestSchema.safeParse(await readJson(request));
  if (!parsed.success) {
    throw appError('validation_failed', { fields: fieldErrors(parsed.error) });
  }
  const applicant = await createApplicant(parsed.data);
  // The body keeps the tutorial's exact shape; the applicant's own page travels in a header.
  const confirmation = await createConfirmationPath(applicant.id);
  return Response.json(applicant, { headers: { 'Cache-Control': 'no-store', 'Confirmation-Location': confirmation } });
});
