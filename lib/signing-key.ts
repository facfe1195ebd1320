import 'server-only';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigurationError, getEnv } from '@/lib/env';

const devSecretFile = path.join('.data', 'blob-token-secret');
let cachedKey: { secret: string; key: Promise<CryptoKey> } | undefined;

/**
 * The HMAC key for blob tokens and disk-service URLs. Production must configure it; development
 * generates one into .data/ once, so that tokens survive restarts of `npm run dev`.
 */
export function getSigningKey(): Promise<CryptoKey> {
  const env = getEnv();
  const secret = env.BLOB_TOKEN_SECRET ?? readOrCreateDevSecret(env.NODE_ENV);
  // Imported once: jose imports raw key bytes into WebCrypto again on every sign and verify.
  if (cachedKey?.secret !== secret) {
    const key = crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
    cachedKey = { secret, key };
  }
  return cachedKey.key;
}

function readOrCreateDevSecret(nodeEnv: string): string {
  try {
    return readFileSync(devSecretFile, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (nodeEnv === 'production') {
    throw new ConfigurationError('BLOB_TOKEN_SECRET is required in production.');
  }
  mkdirSync(path.dirname(devSecretFile), { recursive: true });
  try {
    // `wx` fails if another process won the race; then its secret is the one to use.
    writeFileSync(devSecretFile, randomBytes(48).toString('base64url'), { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return readFileSync(devSecretFile, 'utf8').trim();
}
