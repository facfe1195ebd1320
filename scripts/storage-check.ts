// npm run storage:check: is the configured storage ready for direct uploads? Exit 1 if not.
import './cli-env';
import { getEnv } from '@/lib/env';
import { checkStorage } from '@/lib/storage/doctor';

const marks = { pass: '✓', warn: '!', fail: '✗' } as const;

async function main() {
  const env = getEnv();
  const where = env.STORAGE_SERVICE === 's3' ? `s3 bucket ${env.S3_BUCKET} at ${env.S3_ENDPOINT ?? `AWS ${env.AWS_REGION ?? 'us-east-1'}`}` : `disk at ${env.STORAGE_ROOT}`;
  console.log(`Checking storage: ${where}`);
  const results = await checkStorage(env);
  for (const result of results) {
    console.log(`${marks[result.status]} ${result.name}: ${result.message}`);
    if (result.fix) console.log(`    fix: ${result.fix}`);
  }
  const failed = results.filter((result) => result.status === 'fail').length;
  console.log(failed === 0 ? 'Storage is ready for direct uploads.' : `${failed} check(s) failed.`);
  process.exit(failed === 0 ? 0 : 1);
}

main().catch((error: unknown) => {
  console.error(`storage:check failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
