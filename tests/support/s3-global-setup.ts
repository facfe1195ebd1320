import type { TestProject } from 'vitest/node';
import { startGateway, stopGateway, type S3ServerSettings } from '@/scripts/harness/s3.mjs';

/**
 * The S3 server the S3 suite runs against: `ready`, or `skipped` (outside CI, on a machine without
 * Ceph: every S3 test is skipped), or `failed` (every S3 test fails with the reason).
 */
export type S3TestServer =
  | { state: 'ready'; settings: S3ServerSettings }
  | { state: 'skipped' | 'failed'; reason: string };

/**
 * A real S3 server for the S3 suite: S3_TEST_ENDPOINT (with S3_TEST_ACCESS_KEY and
 * S3_TEST_SECRET_KEY) when given, else the Ceph RADOS Gateway started by scripts/s3-test-server.sh.
 *
 * This never throws: a global setup that throws ends the whole vitest run before any file runs
 * ("No test files found"), so the unit and integration tests of the other projects would not run
 * or be counted. A server that could not be had is a failure of the S3 tests alone, with the reason.
 */
export default function setup(project: TestProject) {
  const region = process.env.S3_TEST_REGION ?? 'us-east-1';
  if (process.env.S3_TEST_ENDPOINT) {
    project.provide('s3', {
      state: 'ready',
      settings: {
        endpoint: process.env.S3_TEST_ENDPOINT,
        accessKeyId: process.env.S3_TEST_ACCESS_KEY ?? '',
        secretAccessKey: process.env.S3_TEST_SECRET_KEY ?? '',
        region,
      },
    });
    return;
  }
  const started = startGateway({ region });
  if (started.state === 'missing' && !process.env.CI) {
    console.warn(`\n[integration-s3] skipped: ${started.output}\n`);
    project.provide('s3', { state: 'skipped', reason: started.output });
    return;
  }
  if (started.state !== 'ready') {
    console.error(`\n[integration-s3] The S3 test server did not start (${started.reason}):\n${started.output}\n`);
    // The first line that says what failed; the whole output is printed once, above.
    const summary = started.output.split('\n').find((line) => line.startsWith('S3 test server:') || line.startsWith('Cannot start'));
    project.provide('s3', { state: 'failed', reason: `The S3 test server did not start (${started.reason})${summary ? `: ${summary}` : ''}` });
    return;
  }
  project.provide('s3', { state: 'ready', settings: started.settings });
  // Stop only a server this run started; one left running by the developer stays up.
  if (!started.alreadyRunning) return () => void stopGateway();
}

declare module 'vitest' {
  export interface ProvidedContext {
    s3: S3TestServer;
  }
}
