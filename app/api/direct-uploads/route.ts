import { createDirectUpload } from '@/lib/blobs/create-direct-upload';
import { directUploadRequestSchema } from '@/lib/contract/direct-upload';
import { fieldErrors } from '@/lib/contract/field-errors';
import { getEnv } from '@/lib/env';
import { appError } from '@/lib/http/errors';
import { readJson, route } from '@/lib/http/handler';
import { clientAddress } from '@/lib/http/rate-limit';

export const POST = route({ rateLimit: 'direct-uploads' }, async (request) => {
  const parsed = directUploadRequestSchema.safeParse(await readJson(request));
  if (!parsed.success) {
    throw appError('invalid_request', { message: 'The upload request is missing fields or has fields of the wrong type.', fields: fieldErrors(parsed.error) });
  }
  const result = await createDirectUpload(parsed.data.file, clientAddress(request, getEnv().TRUSTED_PROXY_HOPS));
  return Response.json(result, { headers: { 'Cache-Control': 'no-store' } });
});
