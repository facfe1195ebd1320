// npm run storage:cors [-- --print]: apply (or show) the bucket CORS rules direct uploads need.
import './cli-env';
import { getEnv } from '@/lib/env';
import { getS3Connection } from '@/lib/storage';
import { applyCorsRules, buildCorsRules, corsRulesToXml, readCorsRules } from '@/lib/storage/cors';

async function main() {
  const env = getEnv();
  const rules = buildCorsRules(env.ALLOWED_ORIGINS);
  if (process.argv.includes('--print')) {
    console.log('# JSON (aws s3api put-bucket-cors --cors-configuration, R2 dashboard, Terraform):');
    console.log(JSON.stringify({ CORSRules: rules }, null, 2));
    console.log('\n# XML (S3 API, older consoles, MinIO mc):');
    console.log(corsRulesToXml(rules));
    return;
  }
  const s3 = getS3Connection();
  if (!s3) throw new Error('STORAGE_SERVICE is disk: the disk service needs no CORS. Set S3_BUCKET to configure a bucket.');
  await applyCorsRules(s3.client, s3.bucket, rules);
  const applied = await readCorsRules(s3.client, s3.bucket);
  console.log(`CORS rules applied to bucket ${s3.bucket}:`);
  console.log(JSON.stringify(applied, null, 2));
}

main().catch((error: unknown) => {
  console.error(`storage:cors failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
