import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { defineConfig, devices, type PlaywrightTestConfig } from '@playwright/test';

const diskURL = 'http://127.0.0.1:3100';
const s3URL = 'http://127.0.0.1:3200';
export const s3GatewayOrigin = 'http://127.0.0.1:7480';

// On machines where Playwright cannot download its own browser, use the system's Chromium.
const systemChromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((file) => existsSync(file));
const launchOptions = systemChromium
  ? {
      executablePath: systemChromium,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    }
  : {};

// The S3 project needs the Ceph gateway (scripts/s3-test-server.sh) and Postgres. Outside CI a
// machine without Ceph runs the disk project only, and says so; in CI the S3 project always runs.
const hasCeph = (() => {
  try {
    execFileSync('sh', ['-c', 'command -v radosgw && command -v ceph-mon'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const runS3 = hasCeph || Boolean(process.env.CI);
if (!runS3) {
  console.warn('[e2e] S3 project skipped: Ceph is not installed (apt-get install -y ceph-mon ceph-osd radosgw ceph-common).');
}

const webServer: NonNullable<PlaywrightTestConfig['webServer']> = [
  { command: 'node scripts/e2e-server.mjs', url: `${diskURL}/`, timeout: 300_000, reuseExistingServer: false, stdout: 'pipe' },
];
if (runS3) {
  webServer.push({ command: 'node scripts/e2e-server.mjs --s3', url: `${s3URL}/`, timeout: 300_000, reuseExistingServer: false, stdout: 'pipe' });
}

export default defineConfig({
  testDir: 'tests/e2e',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 90_000,
  // Hashing and uploading 9 MB on a busy 2-core machine can take more than the default 5 s.
  expect: { timeout: 20_000 },
  reporter: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME ? [['list'], ['json']] : [['list']],
  globalTeardown: './tests/e2e/global-teardown.ts',
  use: { trace: 'retain-on-failure', screenshot: 'only-on-failure' },
  projects: [
    {
      name: 'disk',
      metadata: { storageOrigin: diskURL },
      use: { ...devices['Desktop Chrome'], baseURL: diskURL, launchOptions },
    },
    ...(runS3
      ? [
          {
            name: 's3',
            // Tests tagged @storage exercise the upload path, @mail the job worker; the rest depend on neither.
            grep: /@storage|@mail/,
            metadata: { storageOrigin: s3GatewayOrigin },
            use: { ...devices['Desktop Chrome'], baseURL: s3URL, launchOptions },
          },
        ]
      : []),
  ],
  webServer,
});
