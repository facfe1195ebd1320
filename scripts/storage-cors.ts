// npm run storage:cors [-- --print]: apply (or show) the bucket CORS rules direct uploads need.
import './cli-env';
import { getEnv } from '@/lib/env';
import { getStorage } from '@/lib/storage';
import { buildCorsRules, corsRulesToXml } from '@/lib/storage/cors';

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
  // Only a bucket on another origin has CORS rules: the disk service's URLs are the app's own.
  const { bucket } = getStorage();
  if (!bucket) throw new Error('STORAGE_SERVICE is disk: the disk service needs no CORS. Set S3_BUCKET to configure a bucket.');
  await bucket.applyCorsRules(rules);
  const applied = await bucket.readCorsRules();
  console.log(`CORS rules applied to bucket ${bucket.name}:`);
  console.log(JSON.stringify(applied, null, 2));
}

main().catch((error: unknown) => {
  console.error(`storage:cors failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
