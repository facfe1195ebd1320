import { createDirectUpload } from '@/lib/blobs/create-direct-upload';
import { directUploadRequestSchema } from '@/lib/blobs/direct-upload-request';
import { getEnv } from '@/lib/env';
import { badRequest } from '@/lib/http/errors';
import { fieldErrors, publicOrigin, readJson, route } from '@/lib/http/handler';
import { clientAddress, enforceRateLimit } from '@/lib/http/rate-limit';

export const POST = route(async (request) => {
  // Read first: a request another site's page sent (415/403) must not count against its visitor.
  const body = await readJson(request);
  await enforceRateLimit(request, 'direct-uploads');
  const parsed = directUploadRequestSchema.safeParse(body);
  if (!parsed.success) {
    throw badRequest('invalid_request', 'The upload request is missing fields or has fields of the wrong type.', fieldErrors(parsed.error));
  }
  const result = await createDirectUpload(parsed.data.file, publicOrigin(request), clientAddress(request, getEnv().TRUSTED_PROXY_HOPS));
  return Response.json(result, { headers: { 'Cache-Control': 'no-store' } });
});
