import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTextPdf } from '../fixtures/pdf-documents';
import {
  applyOverHttp,
  prepareFaultApp,
  sleep,
  startWeb,
  startWorker,
  waitFor,
  type Applied,
  type FaultApp,
  type WorkerProcess,
} from '../support/job-processes';
import type { NextServer } from '@/scripts/harness/app.mjs';

const ports = [3304, 3305];
const applications = 200;
// Applicants in flight at once, across both web processes.
const concurrency = 8;

describe('two web processes and two workers on one database', () => {
  let app: FaultApp;
  const webs: NextServer[] = [];
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    // Every request comes from 127.0.0.1: no rate limits. Jobs only in the two worker processes.
    app = await prepareFaultApp('two_webs', ports[0]!, { JOBS_IN_PROCESS: 'false', RATE_LIMIT_USERS: '0', RATE_LIMIT_DIRECT_UPLOADS: '0' });
    for (const port of ports) webs.push(await startWeb(app, port, { JOBS_IN_PROCESS: 'false' }));
    for (let n = 0; n < 2; n += 1) workers.push(startWorker(app));
    await waitFor('both workers to start', async () => (workers.every((worker) => /worker started/.test(worker.output())) ? true : undefined), 60_000);
  });
  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.stop()));
    await Promise.all(webs.map((web) => web.stop()));
    await app?.cleanup();
  });

  it('200 applications spread over both web processes: 200 analyses, each run exactly once', async () => {
    const started = performance.now();
    const results: Applied[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (let n = next++; n < applications; n = next++) {
          const web = webs[n % webs.length]!;
          const pdf = makeTextPdf([[`Applicant ${n}`, 'Platform engineer']]);
          results.push(await applyOverHttp(web.url, app.db, pdf, `applicant-${n}@example.com`));
        }
      }),
    );
    expect(results.filter((applied) => applied.status === 200)).toHaveLength(applications);
    const blobIds = new Set(results.map((applied) => applied.blobId!));
    expect(blobIds.size).toBe(applications);
    const appliedSeconds = (performance.now() - started) / 1000;

    // Bounded: the figure reached is asserted (and said), rather than a timeout thrown.
    const deadline = performance.now() + 180_000;
    let analyzed = 0;
    while (performance.now() < deadline) {
      const { rows } = await app.db.query<{ n: number }>(`select count(*)::int as n from blobs where analyzed_at is not null`);
      analyzed = rows[0]!.n;
      if (analyzed === applications) break;
      await sleep(500);
    }
    if (analyzed < applications) {
      console.log(`two webs, two workers: ${analyzed} of ${applications} analyzed ${((performance.now() - started) / 1000).toFixed(0)} s after the first application (sent in ${appliedSeconds.toFixed(1)} s)`);
    }
    expect(analyzed).toBe(applications);
    const doneSeconds = (performance.now() - started) / 1000;

    // Each blob analyzed once: one blob_analysis line in all of both workers' logs, one completed job.
    const lines = workers.flatMap((worker) => worker.events('blob_analysis'));
    const perBlob = new Map<string, number>();
    for (const line of lines) perBlob.set(String(line.blob_id), (perBlob.get(String(line.blob_id)) ?? 0) + 1);
    expect([...perBlob.keys()].sort()).toEqual([...blobIds].sort());
    expect([...perBlob.values()].filter((count) => count !== 1)).toEqual([]);
    expect(lines.every((line) => line.status === 'analyzed' && line.pages === 1)).toBe(true);
    const { rows: jobs } = await app.db.query<{ state: string; retry_count: number; n: number }>(
      `select state, retry_count, count(*)::int as n from pgboss.job where name = 'analyze-resume' group by state, retry_count`,
    );
    expect(jobs).toEqual([{ state: 'completed', retry_count: 0, n: applications }]);
    const { rows: problems } = await app.db.query(
      `select id from blobs where analysis_error is not null or page_count <> 1 or (select count(*) from blob_variants v where v.blob_id = blobs.id) <> 1`,
    );
    expect(problems).toEqual([]);

    const share = workers.map((worker) => worker.events('blob_analysis').length);
    console.log(
      `two webs, two workers: ${applications} applications in ${appliedSeconds.toFixed(1)} s, all analyzed ${doneSeconds.toFixed(1)} s after the first; ` +
        `analyses per worker ${share.join(' + ')}`,
    );
    // Both workers took part.
    expect(Math.min(...share)).toBeGreaterThan(0);
  });
});
