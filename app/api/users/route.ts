import { appError } from '@/lib/http/errors';
import { readJson, route } from '@/lib/http/handler';
import { withRateLimit } from '@/lib/http/rate-limit';
import { applicantRequestSchema } from '@/lib/contract/applicant';
import { fieldErrors } from '@/lib/contract/field-errors';
import { createConfirmationPath } from '@/lib/users/confirmation-link';
import { createApplicant } from '@/lib/users/create-applicant';

export const POST = route(async (request) => {
  // Read first: a request another site's page sent (415/403) must not count against its visitor.
  const body = await readJson(request);
  // The hit is counted by the applicant's first statement (or, for a request refused before it, on its way out).
  const applicant = await withRateLimit(request, 'users', async (hit) => {
    const parsed = applicantRequestSchema.safeParse(body);
    if (!parsed.success) {
      throw appError('validation_failed', { fields: fieldErrors(parsed.error) });
    }
    return createApplicant(parsed.data, hit);
  });
  // The body keeps the tutorial's exact shape; the applicant's own page travels in a header.
  const confirmation = await createConfirmationPath(applicant.id);
  return Response.json(applicant, { headers: { 'Cache-Control': 'no-store', 'Confirmation-Location': confirmation } });
});
