// Benchmark 6: resume analysis (time and peak memory per kind of PDF) and the recruiter's search
// over 10,000 applicants (p50/p99), measured by bench/analyze-run.ts with the app's own code.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { log, repoDir } from './lib/common.mjs';

export async function runAnalyze() {
  log('analyze: PDFs through the analysis worker, then search over 10,000 applicants (Postgres, PGlite)…');
  const { stdout, stderr } = await promisify(execFile)(
    process.execPath,
    ['--conditions=react-server', '--import', 'tsx', 'bench/analyze-run.ts'],
    { cwd: repoDir, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, NODE_ENV: 'production' } },
  );
  if (stderr.trim()) console.error(stderr.trim());
  return JSON.parse(stdout.trim().split('\n').at(-1));
}
