import { appError } from '@/lib/http/errors';
import { route } from '@/lib/http/handler';
import { getDiskStorage } from '@/lib/storage';
import { buildContentDisposition } from '@/lib/storage/content-disposition';

type Params = { token: string };

function diskStorage() {
  const storage = getDiskStorage();
  if (!storage) throw appError('not_found', { message: 'The disk storage service is not enabled.' });
  return storage;
}

/**
 * Receives a direct upload; answers 200 with an empty body, as S3 does. Each PUT may write up to
 * the signed size before it fails: they are counted per client address (RATE_LIMIT_DISK_PUTS)
 * before anything is read, and one URL takes one PUT at a time.
 */
export const PUT = route<Params>({ rateLimit: 'disk-puts' }, async (request, { params }) => {
  const { token } = await params;
  await diskStorage().receiveUpload(token, request.headers, request.body);
  return new Response(null, { status: 200 });
});

export const GET = route<Params>(async (request, { params }) => {
  const { token } = await params;
  const { stream, byteSize, claims } = await diskStorage().openDownload(token, request.signal);
  return new Response(stream, {
    headers: {
      'Content-Type': claims.contentType,
      'Content-Length': String(byteSize),
      'Content-Disposition': buildContentDisposition(claims.disposition, claims.filename),
      'Cache-Control': 'private, no-store',
      'X-Content-Type-Options': 'nosniff',
    },
  });
});
