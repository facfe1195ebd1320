import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeResumePages, makeTextPdf } from '../fixtures/pdf-documents';
import {
  analysisOf,
  applyOverHttp,
  jobsOf,
  keyOf,
  prepareFaultApp,
  startWeb,
  startWorker,
  storedFiles,
  waitFor,
  type FaultApp,
  type WorkerProcess,
} from '../support/job-processes';
import type { NextServer } from '@/scripts/harness/app.mjs';

const port = 3301;
// Heavy enough (text of every page, under the 500-page ceiling) that its analysis is still running
// when the test sees the job active and kills the worker.
const pages = 450;

describe('a worker SIGKILLed in the middle of an analysis', () => {
  let app: FaultApp;
  let web: NextServer;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    app = await prepareFaultApp('killed_worker', port, { JOBS_IN_PROCESS: 'false', RATE_LIMIT_USERS: '0', RATE_LIMIT_DIRECT_UPLOADS: '0' });
    web = await startWeb(app, port);
  });
  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.stop()));
    await web?.stop();
    await app?.cleanup();
  });

  it('loses nothing: a restarted worker completes that job within 90 s, with one preview and one set of results', async () => {
    const first = startWorker(app);
    workers.push(first);
    await waitFor('the worker to start', async () => (/worker started/.test(first.output()) ? true : undefined), 60_000);

    const applied = await applyOverHttp(web.url, app.db, makeTextPdf(makeResumePages(pages)), 'heavy@example.com');
    expect(applied.status).toBe(200);
    const blobId = applied.blobId!;
    await waitFor('the job to be active', async () => ((await jobsOf(app.db, blobId))[0]?.state === 'active' ? true : undefined), 30_000, 25);

    first.kill();
    const killedAt = performance.now();
    expect(await first.exited).toBe(137);
    // Killed mid-analysis: nothing recorded, the job still held by the dead worker.
    expect((await analysisOf(app.db, blobId)).analyzed_at).toBeNull();
    expect((await jobsOf(app.db, blobId)).map((job) => job.state)).toEqual(['active']);
    expect(first.events('blob_analysis')).toEqual([]);

    const second = startWorker(app);
    workers.push(second);
    const analysis = await waitFor(
      'the restarted worker to analyze the resume',
      async () => {
        const row = await analysisOf(app.db, blobId);
        return row.analyzed_at ? row : undefined;
      },
      90_000 - (performance.now() - killedAt),
      250,
    );
    const recoveredSeconds = (performance.now() - killedAt) / 1000;
    console.log(`killed worker: the restarted worker analyzed the resume ${recoveredSeconds.toFixed(1)} s after the kill`);

    expect(analysis).toMatchObject({ page_count: pages, analysis_error: null, variants: 1 });
    expect(analysis.text_length).toBeGreaterThan(1000);
    // One preview object beside the resume itself.
    const key = await keyOf(app.db, blobId);
    const folder = `${key.slice(0, 2)}/${key.slice(2, 4)}/${key}`;
    // Sorted on both sides: a key may sort after "variants/".
    expect(storedFiles(app.storageRoot, key).sort()).toEqual([folder, `variants/${folder}/preview`].sort());
    // One job, retried once after its worker died, completed; one analysis logged, by the new worker.
    const jobs = await waitFor('the job to be completed', async () => {
      const found = await jobsOf(app.db, blobId);
      return found[0]?.state === 'completed' ? found : undefined;
    }, 10_000);
    expect(jobs.map((job) => [job.state, job.retry_count])).toEqual([['completed', 1]]);
    expect(second.events('blob_analysis').filter((line) => line.blob_id === blobId)).toMatchObject([{ status: 'analyzed', pages }]);
  });
});
