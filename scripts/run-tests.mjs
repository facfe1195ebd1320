// `npm test`: every suite (unit, integration against PGlite and Postgres, end to end in Chromium),
// then one line summing them all: `N passed, N failed[, N skipped]`.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

const resultsDir = path.resolve('tests', '.results');
rmSync(resultsDir, { recursive: true, force: true });
mkdirSync(resultsDir, { recursive: true });
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' };

function run(label, command, args, extraEnv = {}) {
  console.log(`\n=== ${label} ===`);
  return spawnSync(command, args, { stdio: 'inherit', env: { ...env, ...extraEnv } }).status ?? 1;
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

const totals = { passed: 0, failed: 0, skipped: 0 };

const vitestFile = path.join(resultsDir, 'vitest.json');
const vitestStatus = run('unit and integration (vitest)', 'npx', [
  'vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestFile}`,
]);
const vitest = readJson(vitestFile);
if (vitest) {
  totals.passed += vitest.numPassedTests;
  totals.failed += vitest.numFailedTests;
  totals.skipped += vitest.numPendingTests + vitest.numTodoTests;
  // A suite that failed to start (e.g. no database) has no tests to count but must still fail.
  if (vitestStatus !== 0 && vitest.numFailedTests === 0) totals.failed += Math.max(1, vitest.numFailedTestSuites);
} else if (vitestStatus !== 0) totals.failed += 1;

const playwrightFile = path.join(resultsDir, 'playwright.json');
const playwrightStatus = run('end to end (playwright)', 'npx', ['playwright', 'test'], {
  PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightFile,
});
const playwright = readJson(playwrightFile);
if (playwright?.stats) {
  totals.passed += playwright.stats.expected + playwright.stats.flaky;
  totals.failed += playwright.stats.unexpected;
  totals.skipped += playwright.stats.skipped;
  if (playwrightStatus !== 0 && playwright.stats.unexpected === 0) totals.failed += 1;
} else if (playwrightStatus !== 0) totals.failed += 1;

console.log('');
console.log(`${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`);
process.exit(totals.failed > 0 || vitestStatus !== 0 || playwrightStatus !== 0 ? 1 : 0);
