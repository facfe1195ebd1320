// npm run blobs:purge [-- --older-than-hours N]: delete blobs never attached (object and row),
// abandoned uploads and leftover temporary files.
import './cli-env';
import { runCli } from './run-cli';
import { purgeUnattachedBlobs } from '@/lib/blobs/purge-unattached';
import { pruneRateLimits } from '@/lib/http/rate-limit';

async function main() {
  const flag = process.argv.indexOf('--older-than-hours');
  const hours = flag > 0 ? Number(process.argv[flag + 1]) : undefined;
  if (hours !== undefined && !(hours > 0)) throw new Error('--older-than-hours takes a positive number');
  const result = await purgeUnattachedBlobs(hours);
  await pruneRateLimits();
  console.log(
    `Purged ${result.purged} unattached blob(s) older than ${result.olderThanHours} h, ${result.abandoned} abandoned upload(s) ` +
      `and ${result.temporaryFiles} temporary file(s); ${result.failed} failed.`,
  );
  return result.failed === 0 ? 0 : 1;
}

runCli('blobs:purge', main);
