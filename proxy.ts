import { NextResponse, type NextRequest } from 'next/server';
import { getEnv } from '@/lib/env';
import { buildPageCsp, strictTransportSecurity } from '@/lib/security-headers';

/** Pages get a per-request CSP nonce, which Next.js puts on its own scripts, and HSTS on https. */
export function proxy(request: NextRequest) {
  const nonce = btoa(crypto.randomUUID());
  const csp = buildPageCsp(nonce);
  const headers = new Headers(request.headers);
  headers.set('x-nonce', nonce);
  headers.set('Content-Security-Policy', csp);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set('Content-Security-Policy', csp);
  const hsts = strictTransportSecurity(getEnv());
  if (hsts) response.headers.set('Strict-Transport-Security', hsts);
  return response;
}

export const config = {
  // API routes are left out: the proxy would buffer request bodies (disk uploads) and they answer
  // JSON or files, whose headers next.config.ts sets.
  matcher: [{ source: '/((?!api/|_next/static|_next/image|icon.svg).*)' }],
};
