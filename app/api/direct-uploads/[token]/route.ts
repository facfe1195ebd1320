import { discardUpload } from '@/lib/blobs/discard-upload';
import { assertSameSiteRequest, route } from '@/lib/http/handler';

type Params = { token: string };

/**
 * The form's call for a file the applicant replaced or removed: deletes its blob (object and row)
 * while it is unattached, with its own token, so that it stops counting against the ceilings.
 */
export const DELETE = route<Params>(async (request, { params }) => {
  assertSameSiteRequest(request);
  const { token } = await params;
  await discardUpload(token);
  return new Response(null, { status: 204, headers: { 'Cache-Control': 'no-store' } });
});
