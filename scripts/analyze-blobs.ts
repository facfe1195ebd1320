// npm run blobs:analyze [-- --retry-failed | --all]: analyze every attached resume not analyzed
// yet (what after() missed); --retry-failed first forgets recorded failures, --all every result.
import './cli-env';
import { runCli } from './run-cli';
import { analyzePendingBlobs, markForReanalysis } from '@/lib/analysis/sweep';

async function main() {
  const which = process.argv.includes('--all') ? 'all' : process.argv.includes('--retry-failed') ? 'failed' : null;
  if (which) console.log(`Marked ${await markForReanalysis(which)} resume(s) for analysis again.`);
  const result = await analyzePendingBlobs();
  console.log(
    `Analyzed ${result.analyzed} resume(s); ${result.failed} could not be analyzed (reason recorded); ` +
      `${result.errors} error(s), left for the next run; ${result.remaining} still pending.`,
  );
  return result.errors === 0 ? 0 : 1;
}

runCli('blobs:analyze', main);
