// npm run jobs:status: per queue, jobs waiting, running, failed and dead-lettered, and the age of
// the oldest job waiting. Exits 1 when a queue has dead-lettered jobs, so a monitor can run it.
import './cli-env';
import { runCli } from './run-cli';
import { getJobsStatus } from '@/lib/jobs/status';

async function main() {
  const statuses = await getJobsStatus();
  const header = ['queue', 'waiting', 'active', 'failed', 'dead-lettered', 'oldest waiting'];
  const rows = statuses.map((s) => [
    s.queue,
    String(s.waiting),
    String(s.active),
    String(s.failed),
    String(s.deadLettered),
    s.oldestWaitingSeconds === null ? '-' : `${s.oldestWaitingSeconds} s`,
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  for (const row of [header, ...rows]) console.log(row.map((cell, column) => cell.padEnd(widths[column]!)).join('  '));
  return statuses.some((s) => s.deadLettered > 0) ? 1 : 0;
}

runCli('jobs:status', main);
