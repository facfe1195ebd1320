import 'server-only';
import { z } from 'zod';
import { appError } from '@/lib/http/errors';
import { signToken, TokenError, verifyToken } from '@/lib/signed-token';

/**
 * A request to analyze one blob is sent the moment it is signed: a minute is plenty, and a token
 * copied from somewhere (it never is logged) is soon worthless. Analysis is idempotent anyway.
 */
export const analysisTokenSeconds = 60;

const claimsSchema = z.object({ sub: z.uuid() });

/** Signs "analyze blob `blobId`", for POST /api/analysis only (purpose-bound: no other token passes). */
export function signAnalysisToken(
  blobId: string,
  expiresInSeconds = analysisTokenSeconds,
): Promise<string> {
  return signToken('analysis_request', { sub: blobId }, expiresInSeconds);
}

/** The blob an analysis token names; `invalid_analysis_token` or `analysis_token_expired` otherwise. */
export async function verifyAnalysisToken(token: string): Promise<string> {
  try {
    const claims = claimsSchema.safeParse(await verifyToken('analysis_request', token));
    if (!claims.success) throw new TokenError('invalid');
    return claims.data.sub;
  } catch (error) {
    if (error instanceof TokenError && error.reason === 'expired')
      throw appError('analysis_token_expired');
    throw appError('invalid_analysis_token');
  }
}
