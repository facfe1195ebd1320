import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DiskStorageService } from '@/lib/storage/disk';
import { generateBlobKey, isValidBlobKey, parseVariantKey, variantKey, variantsPrefixOf } from '@/lib/storage/keys';

const root = path.resolve('/srv/storage');
const disk = new DiskStorageService(root);

describe('blob keys', () => {
  it('are 28 lowercase base36 characters and do not repeat', () => {
    const keys = new Set(Array.from({ length: 2000 }, generateBlobKey));
    expect(keys.size).toBe(2000);
    for (const key of keys) expect(key).toMatch(/^[a-z0-9]{28}$/);
  });

  it('use the whole alphabet', () => {
    const seen = new Set(Array.from({ length: 200 }, generateBlobKey).join(''));
    expect(seen.size).toBe(36);
  });
});

describe('disk service key -> path', () => {
  it('nests a valid key two folders deep inside the root', () => {
    const key = 'abcdefghijklmnopqrstuvwxyz01';
    expect(disk.pathFor(key)).toBe(path.join(root, 'ab', 'cd', key));
  });

  it.each([
    ['../../../../etc/passwd'],
    ['abcdefghijklmnopqrstuvwxy/01'],
    ['..cdefghijklmnopqrstuvwxyz01'],
    ['ABCDEFGHIJKLMNOPQRSTUVWXYZ01'],
    ['abc'],
    [''],
    ['abcdefghijklmnopqrstuvwxyz01\u0000'],
    ['/bcdefghijklmnopqrstuvwxyz01'],
  ])('refuses %j', (key) => {
    expect(isValidBlobKey(key)).toBe(false);
    expect(() => disk.pathFor(key)).toThrow(/unsafe storage key/);
  });
});

describe('variant keys', () => {
  const key = 'abcdefghijklmnopqrstuvwxyz01';

  it('derive from the blob key, and the disk service keeps them under variants/', () => {
    expect(variantKey(key, 'preview')).toBe(`variants/${key}/preview`);
    expect(variantsPrefixOf(key)).toBe(`variants/${key}/`);
    expect(variantKey(key, 'preview').startsWith(variantsPrefixOf(key))).toBe(true);
    expect(() => variantsPrefixOf('../../etc')).toThrow(/Not a blob key/);
    expect(parseVariantKey(`variants/${key}/preview`)).toEqual({ blobKey: key, name: 'preview' });
    expect(disk.pathFor(`variants/${key}/preview`)).toBe(path.join(root, 'variants', 'ab', 'cd', key, 'preview'));
  });

  it.each([
    [`variants/${key}/../../etc/passwd`],
    [`variants/${key}/thumbnail`],
    ['variants/../abcdefghijklmnopqrstuvwxyz01/preview'],
    [`variants/${key.toUpperCase()}/preview`],
    [`/variants/${key}/preview`],
  ])('refuses %j', (candidate) => {
    expect(parseVariantKey(candidate)).toBeNull();
    expect(() => disk.pathFor(candidate)).toThrow(/unsafe storage key/);
  });

  it('are only made for blob keys', () => {
    expect(() => variantKey('../etc', 'preview')).toThrow();
  });
});
