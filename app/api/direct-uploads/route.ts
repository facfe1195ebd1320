import { createDirectUpload } from '@/lib/blobs/create-direct-upload';
import { directUploadRequestSchema } from '@/lib/contract/direct-upload';
import { fieldErrors } from '@/lib/contract/field-errors';
import { getEnv } from '@/lib/env';
import { appError } from '@/lib/http/errors';
import { readJson, route } from '@/lib/http/handler';
import { clientAddress, withRateLimit } from '@/lib/http/rate-limit';

export const POST = route(async (request) => {
  // Read first: a request another site's page sent (415/403) must not count against its visitor.
  const body = await readJson(request);
  // The hit is counted by the blob's insert statement (or, for a request refused before it, on its way out).
  const result = await withRateLimit(request, 'direct-uploads', async (hit) => {
    const parsed = directUploadRequestSchema.safeParse(body);
    if (!parsed.success) {
      throw appError('invalid_request', { message: 'The upload request is missing fields or has fields of the wrong type.', fields: fieldErrors(parsed.error) });
    }
    return createDirectUpload(parsed.data.file, clientAddress(request, getEnv().TRUSTED_PROXY_HOPS), hit);
  });
  return Response.json(result, { headers: { 'Cache-Control': 'no-store' } });
});
