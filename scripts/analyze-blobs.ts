// npm run blobs:analyze [-- --retry-failed | --all]: queue the analysis of every attached resume not
// analyzed yet; --retry-failed also forgets recorded failures, --all every result. The workers
// (in-process, `npm run jobs:work`, or the Vercel jobs route) do the analyses.
import './cli-env';
import { runCli } from './run-cli';
import { queueAnalysis } from '@/lib/jobs/queue-analysis';

async function main() {
  const which = process.argv.includes('--all') ? 'all' : process.argv.includes('--retry-failed') ? 'failed' : 'unanalyzed';
  const queued = await queueAnalysis(which);
  console.log(`Queued ${queued} resume(s) for analysis (npm run jobs:status shows the queue).`);
  return 0;
}

runCli('blobs:analyze', main);
