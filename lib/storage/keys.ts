import { randomBytes } from 'node:crypto';

const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
const keyLength = 28;

/** A new storage key: 28 base36 characters (~144 bits), never derived from anything the client sent. */
export function generateBlobKey(): string {
  let key = '';
  while (key.length < keyLength) {
    for (const byte of randomBytes(keyLength * 2)) {
      // 252 is the largest multiple of 36 below 256; skipping above it keeps every character equally likely.
      if (byte < 252 && key.length < keyLength) key += alphabet[byte % 36];
    }
  }
  return key;
}

export function isValidBlobKey(key: string): boolean {
  return key.length === keyLength && /^[a-z0-9]+$/.test(key);
}
