import 'server-only';
import { findZipDirectory, readZipEntries, zipTailLength } from '@/lib/analysis/zip-directory.mjs';
import type { StorageService } from '@/lib/storage/service';

// A Word resume's directory lists a few dozen parts: a few KiB. More than this is not a resume.
const maxDirectoryBytes = 1024 * 1024;

/**
 * Whether the stored ZIP archive `key` (of `byteSize` bytes) lists an entry `name`, read from its
 * central directory at the archive's end: one ranged read of the last 64 KiB (where the directory
 * of a resume is), and a second only for a directory that starts before them. The file itself is
 * never downloaded on the request path.
 */
export async function zipHoldsEntry(storage: StorageService, key: string, byteSize: number, name: string): Promise<boolean> {
  const tailStart = Math.max(0, byteSize - zipTailLength);
  const tail = await storage.readRange(key, tailStart, byteSize - 1);
  const directory = findZipDirectory(tail, byteSize);
  if (!directory || directory.size === 0 || directory.size > maxDirectoryBytes) return false;
  const bytes =
    directory.offset >= tailStart
      ? tail.subarray(directory.offset - tailStart, directory.offset - tailStart + directory.size)
      : await storage.readRange(key, directory.offset, directory.offset + directory.size - 1);
  return readZipEntries(bytes, directory.entryCount)?.some((entry) => entry.name === name) ?? false;
}
