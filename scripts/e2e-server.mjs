// Starts the production server for the end-to-end tests: builds first when the build is missing
// or older than the sources, then runs `next start` on 127.0.0.1 with its own fresh data folder.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';

const port = process.env.E2E_PORT ?? '3100';
const dataDir = path.resolve('.data', 'e2e');
const env = {
  ...process.env,
  NEXT_TELEMETRY_DISABLED: '1',
  BLOB_TOKEN_SECRET: process.env.BLOB_TOKEN_SECRET ?? 'end-to-end-test-secret-0123456789-abcdefghijklmnop',
  PGLITE_DIR: path.join(dataDir, 'pglite'),
  STORAGE_ROOT: path.join(dataDir, 'storage'),
};

function newestSource(folder) {
  let newest = 0;
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const file = path.join(folder, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(file));
    else newest = Math.max(newest, statSync(file).mtimeMs);
  }
  return newest;
}

const buildId = path.join('.next', 'BUILD_ID');
const sources = ['app', 'lib', 'db', 'public'].filter((folder) => existsSync(folder));
const configFiles = ['next.config.ts', 'package-lock.json'].map((file) => statSync(file).mtimeMs);
const stale =
  !existsSync(buildId) ||
  Math.max(...configFiles, ...sources.map(newestSource)) > statSync(buildId).mtimeMs;
if (stale) {
  console.log('e2e: building the app (next build)…');
  const build = spawnSync('npx', ['next', 'build'], { stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

rmSync(dataDir, { recursive: true, force: true });
const server = spawn('npx', ['next', 'start', '-H', '127.0.0.1', '-p', port], { stdio: 'inherit', env });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code) => process.exit(code ?? 0));
