import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';

interface JsonReport {
  numPassedTests: number;
  numFailedTests: number;
  testResults: { name: string; assertionResults: { status: string; failureMessages: string[] }[] }[];
}

// Runs a nested vitest over one unit file and one S3 file, in CI, with an S3 test server that
// cannot start (its folder cannot be created). It lives here because the S3 project's global setup
// needs the real Postgres.
it(
  'in CI, an S3 server that does not start fails each S3 test with the reason while the other projects still run and count',
  async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'resume-drop-s3-missing-'));
    try {
      const report = path.join(dir, 'report.json');
      const run = spawnSync(
        process.execPath,
        [
          'node_modules/vitest/vitest.mjs',
          'run',
          '--project=unit',
          '--project=integration-s3',
          '--reporter=default',
          '--reporter=json',
          `--outputFile.json=${report}`,
          'tests/unit/storage-keys.test.ts',
          'tests/s3/s3-service.test.ts',
        ],
        {
          encoding: 'utf8',
          timeout: 150_000,
          // A clean environment: none of this worker's vitest, database or storage variables.
          env: {
            PATH: process.env.PATH,
            HOME: process.env.HOME,
            ...(process.env.POSTGRES_TEST_URL ? { POSTGRES_TEST_URL: process.env.POSTGRES_TEST_URL } : {}),
            NODE_ENV: 'test',
            CI: 'true',
            NO_COLOR: '1',
            S3_TEST_SERVER_DIR: path.join('/proc', 'resume-drop-no-such-folder'),
            // Ports nothing listens on, so a server on the default ports is neither used nor waited for.
            S3_TEST_SERVER_PORT: '9',
            S3_TEST_SERVER_MON_PORT: '7',
          },
        },
      );
      const output = `${run.stdout}\n${run.stderr}`;
      expect(run.status, output).toBe(1);
      expect(output).not.toContain('No test files found');
      expect(output).toContain('S3 test server: creating the monitor failed');

      const json = JSON.parse(await readFile(report, 'utf8')) as JsonReport;
      const file = (name: string) => json.testResults.find((result) => result.name.endsWith(name))!.assertionResults;
      const unit = file('tests/unit/storage-keys.test.ts');
      const s3 = file('tests/s3/s3-service.test.ts');
      expect(unit.length).toBeGreaterThan(0);
      expect(unit.every((test) => test.status === 'passed')).toBe(true);
      expect(s3.length).toBeGreaterThan(0);
      for (const test of s3) {
        expect(test.status).toBe('failed');
        expect(test.failureMessages.join('\n')).toContain('The S3 test server did not start');
      }
      expect(json.numPassedTests).toBe(unit.length);
      expect(json.numFailedTests).toBe(s3.length);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
  180_000,
);
