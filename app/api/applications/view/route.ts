import { applicationTokenRequest, type ApplicationResponse } from '@/lib/contract/application';
import { fieldErrors } from '@/lib/contract/field-errors';
import { appError } from '@/lib/http/errors';
import { readJson, route } from '@/lib/http/handler';
import { findApplication } from '@/lib/users/find-application';

/** What is stored about the application of a signed link (the token in the body, never the URL). */
export const POST = route(async (request) => {
  const parsed = applicationTokenRequest.safeParse(await readJson(request));
  if (!parsed.success) throw appError('invalid_request', { fields: fieldErrors(parsed.error) });
  const application: ApplicationResponse = await findApplication(parsed.data.token);
  return Response.json(application, { headers: { 'Cache-Control': 'no-store' } });
});
