import 'server-only';
import { getEnv } from '@/lib/env';
import { appError } from '@/lib/http/errors';
import { signToken, TokenError, verifyToken } from '@/lib/signed-token';

/** The `blob_signed_id` handed to the browser: proves we created this blob, for a limited time. */
export async function signBlobId(blobId: string): Promise<string> {
  return signToken('blob_id', { sub: blobId }, getEnv().BLOB_TOKEN_EXPIRES_IN);
}

export async function verifyBlobToken(token: string): Promise<string> {
  try {
    const payload = await verifyToken('blob_id', token);
    if (typeof payload.sub !== 'string') throw new TokenError('invalid');
    return payload.sub;
  } catch (error) {
    if (error instanceof TokenError && error.reason === 'expired') {
      throw appError('blob_token_expired', { fields: { pdf: 'The upload expired; choose the file again.' } });
    }
    throw appError('invalid_blob_token', { fields: { pdf: 'Not a valid upload reference.' } });
  }
}
