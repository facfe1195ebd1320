import { route } from '@/lib/http/handler';
import { receiveDiskUpload, serveDiskObject } from './disk-controller';

type Params = { token: string };

/** Receives a direct upload; answers 200 with an empty body, as S3 does. */
export const PUT = route<Params>(async (request, { params }) => {
  await receiveDiskUpload(request, (await params).token);
  return new Response(null, { status: 200 });
});

export const GET = route<Params>(async (request, { params }) => serveDiskObject(request, (await params).token));
