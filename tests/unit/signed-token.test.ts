import { SignJWT, UnsecuredJWT } from 'jose';
import { beforeEach, describe, expect, it } from 'vitest';
import { signBlobId, verifyBlobToken } from '@/lib/blobs/blob-token';
import { resetEnv } from '@/lib/env';
import { signToken, TokenError, verifyToken } from '@/lib/signed-token';

const secret = 'unit-test-secret-that-is-long-enough-for-hs256-0123';
const key = new TextEncoder().encode(secret);
const blobId = '6f1c1a8e-0b6f-4a34-9d0e-6c1f0e8b9a11';

beforeEach(() => {
  process.env.BLOB_TOKEN_SECRET = secret;
  resetEnv();
});

async function reason(promise: Promise<unknown>) {
  return promise.then(
    () => 'accepted',
    (error: unknown) => (error instanceof TokenError ? error.reason : `other: ${String(error)}`),
  );
}

describe('signed tokens', () => {
  it('round-trips a payload for its purpose', async () => {
    const token = await signToken('blob_id', { sub: blobId }, 60);
    const payload = await verifyToken('blob_id', token);
    expect(payload).toMatchObject({ sub: blobId, pur: 'blob_id', iss: 'resume-drop', aud: 'resume-drop' });
    expect(payload.exp! - payload.iat!).toBe(60);
  });

  it('refuses a tampered payload', async () => {
    const token = await signToken('blob_id', { sub: blobId }, 60);
    const [head, , signature] = token.split('.');
    const otherPayload = Buffer.from(JSON.stringify({ sub: 'someone-else', pur: 'blob_id', iss: 'resume-drop', aud: 'resume-drop', exp: 9e9 })).toString('base64url');
    expect(await reason(verifyToken('blob_id', `${head}.${otherPayload}.${signature}`))).toBe('invalid');
  });

  it('refuses an expired token as expired', async () => {
    const token = await signToken('blob_id', { sub: blobId }, -1);
    expect(await reason(verifyToken('blob_id', token))).toBe('expired');
  });

  it('refuses a token made for another purpose', async () => {
    const token = await signToken('disk_download', { sub: blobId }, 60);
    expect(await reason(verifyToken('blob_id', token))).toBe('invalid');
  });

  it('refuses alg: none', async () => {
    const token = new UnsecuredJWT({ sub: blobId, pur: 'blob_id' })
      .setIssuer('resume-drop')
      .setAudience('resume-drop')
      .setExpirationTime('1h')
      .encode();
    expect(await reason(verifyToken('blob_id', token))).toBe('invalid');
  });

  it('refuses another algorithm, even with the right secret', async () => {
    const token = await new SignJWT({ sub: blobId, pur: 'blob_id' })
      .setProtectedHeader({ alg: 'HS512' })
      .setIssuer('resume-drop')
      .setAudience('resume-drop')
      .setExpirationTime('1h')
      .sign(key);
    expect(await reason(verifyToken('blob_id', token))).toBe('invalid');
  });

  it('refuses a token signed with another secret', async () => {
    const token = await signToken('blob_id', { sub: blobId }, 60);
    process.env.BLOB_TOKEN_SECRET = 'another-secret-that-is-also-long-enough-0123456789';
    resetEnv();
    expect(await reason(verifyToken('blob_id', token))).toBe('invalid');
  });

  it('refuses a token without an expiry', async () => {
    const token = await new SignJWT({ sub: blobId, pur: 'blob_id' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('resume-drop')
      .setAudience('resume-drop')
      .sign(key);
    expect(await reason(verifyToken('blob_id', token))).toBe('invalid');
  });
});

describe('blob signed ids', () => {
  it('carry the blob id', async () => {
    expect(await verifyBlobToken(await signBlobId(blobId))).toBe(blobId);
  });

  it('expire after BLOB_TOKEN_EXPIRES_IN seconds', async () => {
    process.env.BLOB_TOKEN_EXPIRES_IN = '120';
    resetEnv();
    const [, payload] = (await signBlobId(blobId)).split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    expect(claims.exp - claims.iat).toBe(120);
    delete process.env.BLOB_TOKEN_EXPIRES_IN;
  });

  it('turn every failure into a 422 with a message for people', async () => {
    const expired = await signToken('blob_id', { sub: blobId }, -1);
    await expect(verifyBlobToken(expired)).rejects.toMatchObject({ status: 422, code: 'blob_token_expired' });
    await expect(verifyBlobToken('garbage')).rejects.toMatchObject({ status: 422, code: 'invalid_blob_token' });
  });
});
