import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePdf } from '../fixtures/pdf';
import { makeTextPdf } from '../fixtures/pdf-documents';
import {
  analysisOf,
  applyOverHttp,
  jobsOf,
  prepareFaultApp,
  sleep,
  startWeb,
  startWorker,
  waitFor,
  type FaultApp,
  type WorkerProcess,
} from '../support/job-processes';
import type { NextServer } from '@/scripts/harness/app.mjs';

const port = 3302;

describe('a resume whose analysis kills its process every time', () => {
  let app: FaultApp;
  let web: NextServer;
  let marker: string;
  const workers: WorkerProcess[] = [];
  let respawning = true;

  const crashes = (): { pid: number; blobId: string; attempt: number }[] =>
    readFileSync(marker, { encoding: 'utf8', flag: 'a+' })
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line));

  /** The crashing worker, started again each time it dies, as a process manager or a dyno would. */
  function superviseCrashingWorker(): void {
    const worker = startWorker(app, { script: 'tests/support/crashing-analysis-worker.ts', env: { CRASH_MARKER_FILE: marker } });
    workers.push(worker);
    void worker.exited.then(() => {
      if (respawning) superviseCrashingWorker();
    });
  }

  beforeAll(async () => {
    app = await prepareFaultApp('crashing_handler', port, { JOBS_IN_PROCESS: 'false', RATE_LIMIT_USERS: '0', RATE_LIMIT_DIRECT_UPLOADS: '0' });
    marker = path.join(app.storageRoot, '..', 'crashes.jsonl');
    web = await startWeb(app, port);
  });
  afterAll(async () => {
    respawning = false;
    await Promise.all(workers.map((worker) => worker.stop()));
    await web?.stop();
    await app?.cleanup();
  });

  it('is dead-lettered after three deaths, recorded as given up, never run a fourth time; the next resume is analyzed', async () => {
    superviseCrashingWorker();
    const started = performance.now();
    const killer = await applyOverHttp(web.url, app.db, makePdf(), 'killer@example.com');
    expect(killer.status).toBe(200);
    const blobId = killer.blobId!;

    // Three attempts, each killing its worker; then the job has failed for good.
    const failed = await waitFor(
      'the job to fail for good',
      async () => {
        const [job] = await jobsOf(app.db, blobId);
        return job?.state === 'failed' ? job : undefined;
      },
      150_000,
      500,
    );
    console.log(`crashing handler: failed for good ${((performance.now() - started) / 1000).toFixed(1)} s after the attach`);
    expect(failed).toMatchObject({ retry_count: 2, output: { value: { message: 'job heartbeat timeout' } } });
    expect(crashes().map((crash) => [crash.blobId, crash.attempt])).toEqual([
      [blobId, 1],
      [blobId, 2],
      [blobId, 3],
    ]);
    expect(new Set(crashes().map((crash) => crash.pid)).size).toBe(3);
    // Dead-lettered, with the blob's id.
    expect((await jobsOf(app.db, blobId, 'analyze-resume-dead')).length).toBe(1);

    // The crashing worker keeps running (respawned) and polls: the failed job is not picked again.
    await sleep(6_000);
    expect(crashes()).toHaveLength(3);
    respawning = false;
    await Promise.all(workers.map((worker) => worker.stop()));

    // A normal worker takes the dead letter and records that the queue gave up.
    const normal = startWorker(app);
    workers.push(normal);
    const givenUp = await waitFor(
      'the blob to be recorded as given up',
      async () => {
        const row = await analysisOf(app.db, blobId);
        return row.analyzed_at ? row : undefined;
      },
      60_000,
      250,
    );
    expect(givenUp).toMatchObject({ analysis_error: 'gave_up', analysis_error_message: 'Gave up after 3 tries (last: worker_died).', variants: 0 });

    // The next resume is analyzed by the normal worker; the crashing handler never ran again.
    const next = await applyOverHttp(web.url, app.db, makeTextPdf([['A normal resume']]), 'normal@example.com');
    expect(next.status).toBe(200);
    const analyzed = await waitFor(
      'the normal resume to be analyzed',
      async () => {
        const row = await analysisOf(app.db, next.blobId!);
        return row.analyzed_at ? row : undefined;
      },
      60_000,
      250,
    );
    expect(analyzed).toMatchObject({ page_count: 1, analysis_error: null, variants: 1 });
    expect(normal.events('blob_analysis').map((line) => line.blob_id)).toEqual([next.blobId]);
    expect(crashes()).toHaveLength(3);
    expect((await jobsOf(app.db, blobId)).map((job) => job.state)).toEqual(['failed']);
  });
});
