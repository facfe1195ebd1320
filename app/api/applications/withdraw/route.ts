import { applicantActor } from '@/lib/audit/actor';
import { applicationTokenRequest, type WithdrawalResponse } from '@/lib/contract/application';
import { fieldErrors } from '@/lib/contract/field-errors';
import { appError } from '@/lib/http/errors';
import { readJson, route } from '@/lib/http/handler';
import { withdrawApplication } from '@/lib/privacy/withdraw-application';

/**
 * The applicant withdraws their application (the token in the body): everything about it is
 * deleted at once; 410 when it already was.
 */
export const POST = route(async (request) => {
  const parsed = applicationTokenRequest.safeParse(await readJson(request));
  if (!parsed.success) throw appError('invalid_request', { fields: fieldErrors(parsed.error) });
  await withdrawApplication(parsed.data.token, applicantActor(request));
  const body: WithdrawalResponse = { withdrawn: true };
  return Response.json(body, { headers: { 'Cache-Control': 'no-store' } });
});
