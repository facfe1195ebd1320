import { spawnSync } from 'node:child_process';
import type { TestProject } from 'vitest/node';

export interface S3TestSettings {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
}

/**
 * A real S3 server for the S3 suite: S3_TEST_ENDPOINT (with S3_TEST_ACCESS_KEY and
 * S3_TEST_SECRET_KEY) when given, else the Ceph RADOS Gateway started by scripts/s3-test-server.sh.
 * Outside CI, a machine without Ceph skips the suite and says why; in CI that is a failure.
 */
export default function setup(project: TestProject) {
  const region = process.env.S3_TEST_REGION ?? 'us-east-1';
  if (process.env.S3_TEST_ENDPOINT) {
    project.provide('s3', {
      endpoint: process.env.S3_TEST_ENDPOINT,
      accessKeyId: process.env.S3_TEST_ACCESS_KEY ?? '',
      secretAccessKey: process.env.S3_TEST_SECRET_KEY ?? '',
      region,
    });
    return;
  }
  const started = spawnSync('bash', ['scripts/s3-test-server.sh', 'start'], { encoding: 'utf8' });
  if (started.status === 3 && !process.env.CI) {
    console.warn(`\n[integration-s3] skipped: ${started.stderr.trim()}\n`);
    project.provide('s3', null);
    return;
  }
  if (started.status !== 0) {
    throw new Error(`The S3 test server did not start:\n${started.stdout}\n${started.stderr}`);
  }
  const settings = Object.fromEntries(
    started.stdout
      .split('\n')
      .filter((line) => line.startsWith('S3_TEST_'))
      .map((line) => line.split('=', 2) as [string, string]),
  );
  project.provide('s3', {
    endpoint: settings.S3_TEST_ENDPOINT ?? '',
    accessKeyId: settings.S3_TEST_ACCESS_KEY ?? '',
    secretAccessKey: settings.S3_TEST_SECRET_KEY ?? '',
    region,
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
    s3: S3TestSettings | null;
  }
}
