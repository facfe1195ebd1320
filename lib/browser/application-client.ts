import type { ApplicationResponse, WithdrawalResponse } from '@/lib/contract/application';
import { postJson } from './direct-upload/api-client';

export { ApiError } from './direct-upload/api-client';

/** The application of the token in the page's fragment (sent in the body, never in a URL). */
export async function fetchApplication(token: string): Promise<ApplicationResponse> {
  return (await postJson<ApplicationResponse>('/api/applications/view', { token })).body;
}

export async function withdrawApplication(token: string): Promise<WithdrawalResponse> {
  return (await postJson<WithdrawalResponse>('/api/applications/withdraw', { token })).body;
}
