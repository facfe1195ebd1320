// Part of `npm run bench -- api`: CPU per presigned S3 URL, the SDK's getSignedUrl (its middleware
// stack and a new presigner per call) against lib/storage/s3.ts (one presigner, the object URL
// learnt once), side by side in one process, alternating, for the upload PUT and the download GET.
// No network: presigning is local. Prints one JSON line.
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { signedUploadHeaders } from '../lib/storage/bucket-url';
import { createS3Client, S3StorageService } from '../lib/storage/s3';

const client = createS3Client({ bucket: 'resumes', endpoint: 'http://127.0.0.1:7480', forcePathStyle: true, accessKeyId: 'bench', secretAccessKey: 'bench-secret' });
const service = new S3StorageService(client, 'resumes');
const key = 'k3y0000000000000000000000000';
const checksum = 'ab+/cdefghijklmnopqrsA==';
const download = { filename: 'resume.pdf', contentType: 'application/pdf', disposition: 'inline', expiresIn: 300 } as const;

const cases = {
  sdkPut: () =>
    getSignedUrl(
      client,
      new PutObjectCommand({ Bucket: 'resumes', Key: key, ContentType: 'application/pdf', ContentMD5: checksum, ContentLength: 4096, IfNoneMatch: '*' }),
      { expiresIn: 300, signableHeaders: new Set(signedUploadHeaders) },
    ),
  oursPut: () => service.createDirectUpload({ key, contentType: 'application/pdf', byteSize: 4096, checksum, expiresIn: 300 }),
  sdkGet: () =>
    getSignedUrl(
      client,
      new GetObjectCommand({ Bucket: 'resumes', Key: key, ResponseContentType: 'application/pdf', ResponseContentDisposition: 'inline; filename="resume.pdf"', ResponseCacheControl: 'private, no-store' }),
      { expiresIn: 300 },
    ),
  oursGet: () => service.getDownloadUrl(key, download),
};

const perCall = 2000;
const rounds = 5;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function main() {
  const samples: Record<string, number[]> = Object.fromEntries(Object.keys(cases).map((name) => [name, []]));
  for (let round = 0; round < rounds + 1; round += 1) {
    for (const [name, run] of Object.entries(cases)) {
      const before = process.cpuUsage();
      for (let call = 0; call < perCall; call += 1) await run();
      const used = process.cpuUsage(before);
      // Round 0 warms up.
      if (round > 0) samples[name]!.push((used.user + used.system) / perCall);
    }
  }
  console.log(JSON.stringify(Object.fromEntries(Object.entries(samples).map(([name, values]) => [`${name}Us`, median(values)]))));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
