import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { getDb } from '@/db/client';
import { attachments, blobs, users } from '@/db/schema';
import { getStorageRoot } from './integration-setup';

export async function countRows() {
  const db = await getDb();
  const [u, b, a] = await Promise.all([db.select().from(users), db.select().from(blobs), db.select().from(attachments)]);
  return { users: u.length, blobs: b.length, attachments: a.length };
}

/** Every file under the storage root, temporary ones included: nothing partial may remain. */
export async function listStoredFiles(): Promise<string[]> {
  const root = getStorageRoot();
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isFile()).map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)));
}
