import { spawnSync } from 'node:child_process';
import type { TestProject } from 'vitest/node';

export interface S3TestSettings {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
}

/**
 * The S3 server the S3 suite runs against: `ready`, or `skipped` (outside CI, on a machine without
 * Ceph: every S3 test is skipped), or `failed` (every S3 test fails with the reason).
 */
export type S3TestServer =
  | { state: 'ready'; settings: S3TestSettings }
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
  const started = spawnSync('bash', ['scripts/s3-test-server.sh', 'start'], { encoding: 'utf8' });
  const output = `${started.stdout ?? ''}\n${started.stderr ?? ''}`.trim();
  if (started.status === 3 && !process.env.CI) {
    console.warn(`\n[integration-s3] skipped: ${started.stderr.trim()}\n`);
    project.provide('s3', { state: 'skipped', reason: started.stderr.trim() });
    return;
  }
  if (started.status !== 0) {
    const why = started.error
      ? `could not run scripts/s3-test-server.sh: ${started.error.message}`
      : `scripts/s3-test-server.sh start exited with ${started.status ?? started.signal}`;
    console.error(`\n[integration-s3] The S3 test server did not start (${why}):\n${output}\n`);
    // The first line that says what failed; the whole output is printed once, above.
    const summary = output.split('\n').find((line) => line.startsWith('S3 test server:') || line.startsWith('Cannot start'));
    project.provide('s3', { state: 'failed', reason: `The S3 test server did not start (${why})${summary ? `: ${summary}` : ''}` });
    return;
  }
  const settings = Object.fromEntries(
    started.stdout
      .split('\n')
      .filter((line) => line.startsWith('S3_TEST_'))
      .map((line) => line.split('=', 2) as [string, string]),
  );
  project.provide('s3', {
    state: 'ready',
    settings: {
      endpoint: settings.S3_TEST_ENDPOINT ?? '',
      accessKeyId: settings.S3_TEST_ACCESS_KEY ?? '',
      secretAccessKey: settings.S3_TEST_SECRET_KEY ?? '',
      region,
    },
  });
  // Stop only a server this run started; one left running by the developer stays up.
  if (!started.stdout.includes('already running')) {
    return () => {
      spawnSync('bash', ['scripts/s3-test-server.sh', 'stop'], { stdio: 'inherit' });
    };
  }
}

declare module 'vitest' {
  export interface ProvidedContext {
    s3: S3TestServer;
  }
}
