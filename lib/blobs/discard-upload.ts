import 'server-only';
import { and, eq } from 'drizzle-orm';
import { getDb } from '@/lib/database';
import { blobs } from '@/db/schema';
import { appError } from '@/lib/http/errors';
import { annotateRequestLog } from '@/lib/request-context';
import { getStorage } from '@/lib/storage';
import { verifyBlobToken } from './blob-token';
import { claimPendingBlobs } from './pending-upload-totals';

/**
 * Deletes the blob of `token` if it is still unattached: claimed first (attaching then refuses it,
 * and its bytes leave the running totals), then the object, then the row. A blob already gone (or
 * being purged) needs nothing more; an attached one is part of an application: 409. Should storage
 * fail, the blob stays claimed, counts no more, and the purge deletes it later.
 */
export async function discardUpload(token: string): Promise<void> {
  const blobId = await verifyBlobToken(token);
  annotateRequestLog({ blob_id: blobId });
  const db = await getDb();
  const [claimed] = await claimPendingBlobs([blobId]);
  if (!claimed) {
    const [blob] = await db.select({ state: blobs.state }).from(blobs).where(eq(blobs.id, blobId));
    if (blob?.state === 'attached') {
      throw appError('blob_already_attached', { message: 'This upload is part of an application; it cannot be deleted.' });
    }
    return;
  }
  await getStorage().delete(claimed.key);
  await db.delete(blobs).where(and(eq(blobs.id, claimed.id), eq(blobs.state, 'purging')));
}
