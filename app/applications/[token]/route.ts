import { route } from '@/lib/http/handler';
import { publicOrigin } from '@/lib/request-context';

/**
 * Links sent before the token moved into the fragment: the same page, with the token where no
 * server sees it again. The request log writes this path as `/applications/:token`.
 */
export const GET = route<{ token: string }>(async (_request, { params }) => {
  const { token } = await params;
  return new Response(null, {
    status: 307,
    headers: {
      Location: `${publicOrigin()}/applications#${encodeURIComponent(token)}`,
      'Cache-Control': 'no-store',
    },
  });
});
