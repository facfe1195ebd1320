import { route } from '@/lib/http/handler';
import { checkHealth, checkHealthDeep } from '@/lib/health';

const noStore = { 'Cache-Control': 'no-store' };

/**
 * 200 when the database and the storage answer, 503 otherwise (details for the operator's secret);
 * `?deep=1` runs the storage doctor.
 */
export const GET = route(async (request) => {
  if (new URL(request.url).searchParams.get('deep') === '1') {
    const deep = await checkHealthDeep(request.headers.get('authorization'));
    return Response.json(
      { status: deep.ok ? 'ok' : 'unavailable', storage: deep.checks, jobs: deep.jobs, mail: deep.mail },
      { status: deep.ok ? 200 : 503, headers: noStore },
    );
  }
  const health = await checkHealth(request.headers.get('authorization'));
  return Response.json(health.body, { status: health.ok ? 200 : 503, headers: noStore });
});
