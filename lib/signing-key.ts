import 'server-only';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigurationError, getEnv } from '@/lib/env';

const devSecretFile = path.join('.data', 'blob-token-secret');
let cachedKey: { secret: string; key: Uint8Array; cryptoKey: Promise<CryptoKey> } | undefined;

/**
 * The HMAC key for blob tokens and disk-service URLs. Production must configure it; development
 * generates one into .data/ once, so that tokens survive restarts of `npm run dev`.
 */
export function getSigningKey(): Uint8Array {
  return currentKey().key;
}

/** The same key imported into WebCrypto once: jose would import raw bytes again on every sign and verify. */
export function getSigningCryptoKey(): Promise<CryptoKey> {
  return currentKey().cryptoKey;
}

function currentKey() {
  const env = getEnv();
  const secret = env.BLOB_TOKEN_SECRET ?? readOrCreateDevSecret(env.NODE_ENV);
  if (cachedKey?.secret !== secret) {
    const key = new TextEncoder().encode(secret);
    const cryptoKey = crypto.subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
    cachedKey = { secret, key, cryptoKey };
  }
  return cachedKey;
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
