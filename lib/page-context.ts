import 'server-only';
import { headers } from 'next/headers';
import { runInRequestContext } from '@/lib/request-context';

/** What `route()` does for a route handler, for a server component: its request's context. */
export async function inPageRequest<T>(render: () => Promise<T>): Promise<T> {
  return runInRequestContext(await headers(), undefined, render);
}
