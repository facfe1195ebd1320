import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { getDb } from '@/lib/database';
import { attachments, blobs, users } from '@/db/schema';
import { getStorage } from '@/lib/storage';
import { getStorageRoot } from './integration-setup';

export async function countRows() {
  const db = await getDb();
  const [u, b, a] = await Promise.all([db.select().from(users), db.select().from(blobs), db.select().from(attachments)]);
  return { users: u.length, blobs: b.length, attachments: a.length };
}

/**
 * Every file under the storage root, temporary ones included: nothing partial may remain. A stored
 * file's record of its verified MD5 (`<file>.md5`, lib/storage/disk.ts) is counted with the file;
 * a record left without its file is listed.
 */
export async function listStoredFiles(): Promise<string[]> {
  const root = getStorageRoot();
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  const files = entries.filter((entry) => entry.isFile()).map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)));
  const present = new Set(files);
  return files.filter((file) => !(file.endsWith('.md5') && present.has(file.slice(0, -'.md5'.length))));
}

/**
 * The invariant every fault must leave intact: each attached blob's object exists with the
 * recorded size and MD5, each attachment points at an attached blob, and no user has two resumes.
 */
export async function expectConsistent(): Promise<void> {
  const db = await getDb();
  const storage = getStorage();
  const rows = await db
    .select({ blob: blobs, attachment: attachments })
    .from(attachments)
    .leftJoin(blobs, eq(blobs.id, attachments.blobId));
  for (const { blob, attachment } of rows) {
    if (!blob) throw new Error(`attachment ${attachment.id} points at a missing blob`);
    if (blob.state !== 'attached') throw new Error(`blob ${blob.id} is attached but in state ${blob.state}`);
    const stored = await storage.stat(blob.key);
    if (!stored) throw new Error(`attached blob ${blob.id} has no object`);
    if (stored.byteSize !== blob.byteSize) throw new Error(`blob ${blob.id}: ${stored.byteSize} bytes stored, ${blob.byteSize} recorded`);
    if (stored.checksum && stored.checksum !== blob.checksum) throw new Error(`blob ${blob.id}: stored MD5 differs`);
  }
  const attachedBlobs = await db.select({ id: blobs.id }).from(blobs).where(eq(blobs.state, 'attached'));
  if (attachedBlobs.length !== rows.length) throw new Error(`${attachedBlobs.length} attached blobs but ${rows.length} attachments`);
}
