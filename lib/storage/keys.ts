import 'server-only';
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

/** Derived objects of a blob (Active Storage's variants), stored next to it in the same service. */
export const variantNames = ['preview'] as const;
export type VariantName = (typeof variantNames)[number];

const variantKeyPattern = /^variants\/([a-z0-9]{28})\/(preview)$/;

/** A variant's key is its blob's key and its name: whoever deletes the blob knows what to delete. */
export function variantKey(blobKey: string, name: VariantName): string {
  if (!isValidBlobKey(blobKey)) throw new Error(`Not a blob key: ${JSON.stringify(blobKey)}`);
  return `variants/${blobKey}/${name}`;
}

/** What every variant key of a blob starts with: `deletePrefixed` of it removes them all. */
export function variantsPrefixOf(blobKey: string): string {
  if (!isValidBlobKey(blobKey)) throw new Error(`Not a blob key: ${JSON.stringify(blobKey)}`);
  return `variants/${blobKey}/`;
}

export function parseVariantKey(key: string): { blobKey: string; name: VariantName } | null {
  const match = variantKeyPattern.exec(key);
  return match ? { blobKey: match[1] as string, name: match[2] as VariantName } : null;
}
