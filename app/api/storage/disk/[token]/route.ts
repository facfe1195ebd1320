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

/** Receives a direct upload; answers 200 with an empty body, as S3 does. */
export const PUT = route<Params>(async (request, { params }) => {
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
