import 'server-only';
import { getEnv } from '@/lib/env';
import { publicOrigin } from '@/lib/request-context';
import type { AnalysisRequest } from '@/lib/contract/analysis';
import { signAnalysisToken } from './analysis-token';

/** The analysis function's route: the one Vercel function that ships PDF.js and the canvas. */
export const analysisPath = '/api/analysis';

// Long enough for a cold start of the analysis function; it answers before it analyzes.
const requestTimeoutMs = 10_000;

/**
 * Asks the app's own analysis route to analyze `blobId`, and resolves once it has answered 202
 * (the analysis itself runs there, after that answer). Throws when the route cannot be reached or
 * answers anything else; the caller leaves the blob to the sweep then.
 *
 * The route is called at the public origin (APP_URL in production), like any client would, or at
 * ANALYSIS_URL: another instance of the app, sharing its database, bucket and BLOB_TOKEN_SECRET,
 * that does the analyses so that this one's CPU stays on requests. With Vercel's Deployment
 * Protection on APP_URL, VERCEL_AUTOMATION_BYPASS_SECRET lets the call through; it is only ever
 * sent to APP_URL's origin, never to another one, nor to an origin taken from a request's Host.
 */
export async function requestAnalysis(blobId: string): Promise<void> {
  const env = getEnv();
  const url = analysisUrl();
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (env.VERCEL_AUTOMATION_BYPASS_SECRET && env.APP_URL && url.origin === new URL(env.APP_URL).origin) {
    headers['x-vercel-protection-bypass'] = env.VERCEL_AUTOMATION_BYPASS_SECRET;
  }
  const body: AnalysisRequest = { token: await signAnalysisToken(blobId) };
  // Not AbortSignal.timeout(): its timer would keep this request's objects alive for the whole
  // 10 s after the answer came (~80 MB of heap at 300 applicants/s, bench api). Cleared on answer.
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(new DOMException(`no answer in ${requestTimeoutMs} ms`, 'TimeoutError')), requestTimeoutMs);
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
      // A redirect here is a login page (Deployment Protection) or a misconfigured APP_URL: never
      // follow it with the token.
      redirect: 'manual',
      signal: timeout.signal,
    });
  } catch (error) {
    const cause = (error as Error & { cause?: { code?: string } }).cause?.code;
    throw new Error(
      `${url.pathname} could not be reached (${(error as Error).name}${cause ? ` ${cause}` : ''})`,
    );
  } finally {
    clearTimeout(timer);
  }
  // Only the status matters; free the connection.
  await response.body?.cancel().catch(() => undefined);
  if (response.status !== 202) {
    const code = response.headers.get('x-error-code');
    const hint =
      response.status === 401 || (response.status >= 300 && response.status < 400)
        ? ': Deployment Protection? Turn on Protection Bypass for Automation (README, Vercel)'
        : '';
    throw new Error(`${url.pathname} answered ${response.status}${code ? ` ${code}` : ''}${hint}`);
  }
}

/** ANALYSIS_URL when set, else this app's own analysis route at its public origin. */
function analysisUrl(): URL {
  const configured = getEnv().ANALYSIS_URL;
  return configured ? new URL(configured) : new URL(analysisPath, publicOrigin());
}
