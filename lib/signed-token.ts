import 'server-only';
import { errors as joseErrors, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { getSigningCryptoKey } from '@/lib/signing-key';

const issuer = 'resume-drop';
const audience = 'resume-drop';

export type TokenPurpose = 'blob_id' | 'disk_upload' | 'disk_download' | 'admin_session' | 'applicant_view' | 'jobs_kick';

export type TokenFailure = 'expired' | 'invalid';

export class TokenError extends Error {
  override name = 'TokenError';
  constructor(readonly reason: TokenFailure) {
    super(reason === 'expired' ? 'token expired' : 'token invalid');
  }
}

/** Signs a payload for one purpose; a token made for one purpose is refused for every other. */
export async function signToken(purpose: TokenPurpose, payload: JWTPayload, expiresInSeconds: number): Promise<string> {
  return new SignJWT({ ...payload, pur: purpose })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(issuer)
    .setAudience(audience)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + expiresInSeconds)
    .sign(await getSigningCryptoKey());
}

export async function verifyToken(purpose: TokenPurpose, token: string): Promise<JWTPayload> {
  try {
    const { payload } = await jwtVerify(token, await getSigningCryptoKey(), {
      algorithms: ['HS256'],
      issuer,
      audience,
      requiredClaims: ['exp', 'pur'],
    });
    if (payload.pur !== purpose) throw new TokenError('invalid');
    return payload;
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired) throw new TokenError('expired');
    throw new TokenError('invalid');
  }
}
