import { route } from '@/lib/http/handler';
import { receiveDiskUpload, serveDiskObject } from './disk-controller';

type Params = { token: string };

/**
 * Receives a direct upload; answers 200 with an empty body, as S3 does. Each PUT may write up to
 * the signed size before it fails, so PUTs are counted per client address (RATE_LIMIT_DISK_PUTS)
 * before anything is read.
 */
export const PUT = route<Params>({ rateLimit: 'disk-puts' }, async (request, { params }) => {
  await receiveDiskUpload(request, (await params).token);
  return new Response(null, { status: 200 });
});

export const GET = route<Params>(async (request, { params }) => serveDiskObject(request, (await params).token));
