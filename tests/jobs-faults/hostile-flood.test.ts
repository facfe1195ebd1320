import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCompressionBomb, makeManyPagesPdf, makeTextPdf } from '../fixtures/pdf-documents';
import {
  analysisOf,
  applyOverHttp,
  jobsOf,
  prepareFaultApp,
  rssOf,
  servingPid,
  sleep,
  startWeb,
  type Applied,
  type FaultApp,
} from '../support/job-processes';
import type { NextServer } from '@/scripts/harness/app.mjs';

const port = 3303;
const MiB = 1024 * 1024;
// Documentation ranges (RFC 5737): addresses a proxy in front of the app (TRUSTED_PROXY_HOPS=1) saw.
const hostileAddresses = ['198.51.100.1', '198.51.100.2', '198.51.100.3', '198.51.100.4', '198.51.100.5'];
const normalAddress = '203.0.113.6';
// The app's default: 10 applicants per address and window (rate limits are on here).
const perAddress = 10;

describe('50 hostile PDFs from 5 addresses, then a normal resume from a sixth (in-process worker)', () => {
  let app: FaultApp;
  let web: NextServer;

  beforeAll(async () => {
    // Rate limits at the app's defaults; jobs run in the web process, as on one host.
    app = await prepareFaultApp('hostile_flood', port, { JOBS_IN_PROCESS: 'true' });
    web = await startWeb(app, port);
  });
  afterAll(async () => {
    await web?.stop();
    await app?.cleanup();
  });

  it('keeps the server within 512 MB of its idle RSS and /api/health under 1 s, and analyzes the normal resume within 60 s', async () => {
    const bomb = await makeCompressionBomb(1024);
    const flood = makeManyPagesPdf(20_000);
    const pid = servingPid(web);
    // The in-process worker starts 2 s after the server is up: idle is measured after that.
    await sleep(4_000);
    const idleRss = rssOf(pid);

    let peakRss = idleRss;
    let worstHealthMs = 0;
    const healthFailures: string[] = [];
    let watching = true;
    const rssWatch = (async () => {
      while (watching) {
        peakRss = Math.max(peakRss, rssOf(pid));
        await sleep(50);
      }
    })();
    const healthWatch = (async () => {
      while (watching) {
        const started = performance.now();
        try {
          const response = await fetch(`${web.url}/api/health`, { signal: AbortSignal.timeout(10_000) });
          await response.arrayBuffer();
          if (response.status !== 200) healthFailures.push(`status ${response.status}`);
        } catch (error) {
          healthFailures.push((error as Error).name);
        }
        worstHealthMs = Math.max(worstHealthMs, performance.now() - started);
        await sleep(200);
      }
    })();

    try {
      // Each address sends its ten one after another, the five addresses at once: bombs and page floods.
      const hostile = (
        await Promise.all(
          hostileAddresses.map(async (address, a) => {
            const sent: Applied[] = [];
            for (let n = 0; n < perAddress; n += 1) {
              const pdf = (n + a) % 2 === 0 ? bomb : flood;
              sent.push(await applyOverHttp(web.url, app.db, pdf, `hostile-${a}-${n}@example.com`, { forwardedFor: address }));
            }
            return sent;
          }),
        )
      ).flat();
      expect(hostile.map((applied) => applied.status)).toEqual(Array(50).fill(200));

      const normal = await applyOverHttp(web.url, app.db, makeTextPdf([['A normal resume, sent last']]), 'normal@example.com', {
        forwardedFor: normalAddress,
      });
      expect(normal.status).toBe(200);
      // Fairness: an address's first application in the window runs before anyone's second.
      expect((await jobsOf(app.db, normal.blobId!))[0]?.priority).toBe(-1);
      // Waited past the target, so that a miss is measured (and said) rather than cut off.
      let analysis = await analysisOf(app.db, normal.blobId!);
      for (const deadline = performance.now() + 120_000; !analysis.analyzed_at && performance.now() < deadline; ) {
        await sleep(100);
        analysis = await analysisOf(app.db, normal.blobId!);
      }
      const waitedSeconds = (performance.now() - normal.attachedAt) / 1000;
      const hostileDone = (await Promise.all(hostile.map((applied) => analysisOf(app.db, applied.blobId!)))).filter((row) => row.analyzed_at).length;
      watching = false;
      await Promise.all([rssWatch, healthWatch]);

      const growthMiB = (peakRss - idleRss) / MiB;
      console.log(
        `hostile flood: idle RSS ${Math.round(idleRss / MiB)} MiB, peak ${Math.round(peakRss / MiB)} MiB (+${Math.round(growthMiB)} MiB); ` +
          `worst /api/health ${Math.round(worstHealthMs)} ms${healthFailures.length ? ` (failures: ${healthFailures.join(', ')})` : ''}; ` +
          `normal resume ${analysis.analyzed_at ? 'analyzed' : 'still not analyzed'} ${waitedSeconds.toFixed(1)} s after its attach, ${hostileDone} of 50 hostile analyses done by then`,
      );
      // What the worker did meanwhile, for the reader of a miss: each analysis's outcome and cost.
      const { rows: jobStates } = await app.db.query(
        `select state, retry_count, priority, count(*)::int as n from pgboss.job where name = 'analyze-resume' group by 1, 2, 3 order by 3 desc, 1, 2`,
      );
      const logged = web
        .output()
        .split('\n')
        .filter((line) => /"event":"(blob_analysis|job)"/.test(line))
        .map((line) => JSON.parse(line) as { event: string; error?: string; duration_ms?: number; peak_rss_growth_mb?: number });
      const described = (line: (typeof logged)[number]) =>
        line.event === 'job' ? `retry (${line.error}) ${line.duration_ms ?? '?'} ms` : `${line.error ?? 'ok'} ${line.duration_ms} ms +${line.peak_rss_growth_mb} MB`;
      console.log(
        `hostile flood: analyses ${logged.map(described).join('; ')}; ` +
          `jobs (state, retries, priority: n) ${jobStates.map((row) => `${row.state} ${row.retry_count} ${row.priority}: ${row.n}`).join(', ')}`,
      );
      expect(analysis).toMatchObject({ page_count: 1, analysis_error: null });
      expect.soft(healthFailures).toEqual([]);
      expect.soft(worstHealthMs).toBeLessThan(1_000);
      expect.soft(waitedSeconds).toBeLessThanOrEqual(60);
      expect.soft(growthMiB).toBeLessThanOrEqual(512);
    } finally {
      watching = false;
      await Promise.all([rssWatch, healthWatch]);
    }
  });
});
