import 'server-only';
import { after } from 'next/server';
import { getEnv } from '@/lib/env';
import { currentLogFields } from '@/lib/request-context';
import { signJobsToken } from './jobs-token';

/** The jobs function: on Vercel the one that ships PDF.js and the canvas (next.config.ts). */
export const jobsPath = '/api/jobs';

/** The requests (by their context) that have already asked for a kick. */
const kicked = new WeakSet<object>();

// Long enough for a cold start of the jobs function; it answers before it works.
const requestTimeoutMs = 10_000;

/**
 * On Vercel (JOBS_KICK), where no worker waits for jobs: once the response has been sent, asks the
 * app's own jobs route at APP_URL to work the queues, and waits only for its 202. Never throws: a
 * job left waiting is worked by the next kick or the cron. Never sent to an origin from a request.
 */
export function kickJobsAfterResponse(): void {
  const env = getEnv();
  if (!env.JOBS_KICK || !env.APP_URL) return;
  // One kick per request, however many jobs it sends (an application sends its analysis and its
  // emails): one call works them all.
  const request = currentLogFields();
  if (request) {
    if (kicked.has(request)) return;
    kicked.add(request);
  }
  const url = new URL(jobsPath, env.APP_URL);
  try {
    after(async () => {
      try {
        await kick(url);
      } catch (error) {
        console.error(`jobs: ${(error as Error).message}; the next kick or the cron works the queue`);
      }
    });
  } catch (error) {
    // Outside a request (a script) there is no "after the response": the cron works the queue.
    if (!/outside a request scope/.test((error as Error).message)) throw error;
  }
}

async function kick(url: URL): Promise<void> {
  const env = getEnv();
  const headers: Record<string, string> = { Authorization: `Bearer ${await signJobsToken()}` };
  // Vercel's Deployment Protection lets the app's own call through with this.
  if (env.VERCEL_AUTOMATION_BYPASS_SECRET) headers['x-vercel-protection-bypass'] = env.VERCEL_AUTOMATION_BYPASS_SECRET;
  // Not AbortSignal.timeout(): its timer would keep the request's objects alive 10 s after the answer.
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(new DOMException(`no answer in ${requestTimeoutMs} ms`, 'TimeoutError')), requestTimeoutMs);
  let response: Response;
  try {
    // A redirect here is a login page (Deployment Protection) or a wrong APP_URL: never followed.
    response = await fetch(url, { method: 'POST', headers, redirect: 'manual', signal: timeout.signal });
  } catch (error) {
    const cause = (error as Error & { cause?: { code?: string } }).cause?.code;
    throw new Error(`${url.pathname} could not be reached (${(error as Error).name}${cause ? ` ${cause}` : ''})`);
  } finally {
    clearTimeout(timer);
  }
  await response.body?.cancel().catch(() => undefined);
  if (response.status !== 202) {
    const hint =
      response.status === 401 || (response.status >= 300 && response.status < 400)
        ? ': Deployment Protection? Turn on Protection Bypass for Automation (README, Vercel)'
        : '';
    throw new Error(`${url.pathname} answered ${response.status}${hint}`);
  }
}
