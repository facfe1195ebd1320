// A real S3 server and fresh buckets for the S3 tests, the end-to-end servers and the benchmarks:
// the Ceph RADOS Gateway of scripts/s3-test-server.sh (or any S3 server the caller names), an S3
// client for it, and buckets made, emptied and removed. Typed by s3.d.mts.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';

const scriptsDir = path.resolve(import.meta.dirname, '..');
const gatewayScript = path.join(scriptsDir, 's3-test-server.sh');

/**
 * The script's environment for one gateway: the defaults (its folder /tmp/resume-drop-ceph, ports
 * 7480 and 6789, the fixed test key) for what `gateway` leaves out.
 * @param {import('./s3.d.mts').GatewayOptions} gateway
 */
function gatewayEnv(gateway) {
  /** @type {Record<string, string | undefined>} */
  const env = { ...process.env };
  const set = (/** @type {string} */ name, /** @type {unknown} */ value) => {
    if (value !== undefined) env[name] = String(value);
  };
  set('S3_TEST_SERVER_DIR', gateway.dir);
  set('S3_TEST_SERVER_PORT', gateway.port);
  set('S3_TEST_SERVER_MON_PORT', gateway.monPort);
  set('S3_TEST_SERVER_BYTES', gateway.bytes);
  set('S3_TEST_ACCESS_KEY', gateway.accessKeyId);
  set('S3_TEST_SECRET_KEY', gateway.secretAccessKey);
  return env;
}

/**
 * @param {'start' | 'stop' | 'status'} command
 * @param {import('./s3.d.mts').GatewayOptions} gateway
 * @param {'pipe' | 'inherit'} stdio
 */
function gatewayCommand(command, gateway, stdio) {
  return spawnSync('bash', [gatewayScript, command], { encoding: 'utf8', stdio, env: gatewayEnv(gateway) });
}

/**
 * Starts the gateway (nothing to do when it already runs) and reads the settings it prints.
 * Never throws: says `ready`, `missing` (Ceph is not installed: the script's exit 3, its output
 * says what to install) or `failed` (`reason` in one line, `output` all the script printed).
 * @param {import('./s3.d.mts').GatewayOptions} [gateway]
 * @returns {import('./s3.d.mts').GatewayStart}
 */
export function startGateway(gateway = {}) {
  const started = gatewayCommand('start', gateway, 'pipe');
  const output = `${started.stdout ?? ''}\n${started.stderr ?? ''}`.trim();
  if (started.status !== 0) {
    const reason = started.error
      ? `could not run scripts/s3-test-server.sh: ${started.error.message}`
      : `scripts/s3-test-server.sh start exited with ${started.status ?? started.signal}`;
    return { state: started.status === 3 ? 'missing' : 'failed', reason, output };
  }
  const printed = Object.fromEntries(
    started.stdout
      .split('\n')
      .filter((line) => line.startsWith('S3_TEST_'))
      .map((line) => line.split('=', 2)),
  );
  return {
    state: 'ready',
    settings: {
      endpoint: printed.S3_TEST_ENDPOINT ?? '',
      accessKeyId: printed.S3_TEST_ACCESS_KEY ?? '',
      secretAccessKey: printed.S3_TEST_SECRET_KEY ?? '',
      region: gateway.region ?? 'us-east-1',
    },
    // A gateway this call did not start (a developer's, another run's) is not this caller's to stop.
    alreadyRunning: started.stdout.includes('already running'),
  };
}

/**
 * The gateway answers.
 * @param {import('./s3.d.mts').GatewayOptions} [gateway]
 */
export function gatewayRunning(gateway = {}) {
  return gatewayCommand('status', gateway, 'pipe').status === 0;
}

/**
 * Stops every daemon of the gateway and removes its folder; the script's output is passed through.
 * @param {import('./s3.d.mts').GatewayOptions} [gateway]
 */
export function stopGateway(gateway = {}) {
  return gatewayCommand('stop', gateway, 'inherit').status === 0;
}

/**
 * A client for test buckets, with path-style addressing (Ceph, MinIO) and the app's checksum
 * settings (lib/storage/s3.ts).
 * @param {import('./s3.d.mts').S3ServerSettings} settings
 */
export function s3Client(settings) {
  return new S3Client({
    region: settings.region,
    endpoint: settings.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

/**
 * A new bucket name: `prefix` (lowercased, other characters than letters, digits and - replaced),
 * then the time and a random part.
 * @param {string} prefix
 */
export function bucketName(prefix) {
  const clean = prefix.toLowerCase().replace(/[^a-z0-9-]/g, '-');
  return `${clean}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/**
 * @param {S3Client} client
 * @param {string} bucket
 */
export async function createBucket(client, bucket) {
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
}

/**
 * The keys in a bucket (the first 1,000).
 * @param {S3Client} client
 * @param {string} bucket
 */
export async function listKeys(client, bucket) {
  const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 1000 }));
  return (listed.Contents ?? []).map((object) => object.Key ?? '');
}

/**
 * Deletes every object in a bucket, 1,000 at a time.
 * @param {S3Client} client
 * @param {string} bucket
 */
export async function emptyBucket(client, bucket) {
  for (;;) {
    const keys = await listKeys(client, bucket);
    if (keys.length === 0) return;
    const objects = keys.map((Key) => ({ Key }));
    await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects, Quiet: true } }));
  }
}

/**
 * Empties a bucket and removes it.
 * @param {S3Client} client
 * @param {string} bucket
 */
export async function deleteBucket(client, bucket) {
  await emptyBucket(client, bucket);
  await client.send(new DeleteBucketCommand({ Bucket: bucket }));
}

/**
 * Removes every bucket whose name starts with `prefix`: what earlier runs left behind.
 * @param {S3Client} client
 * @param {string} prefix
 */
export async function deleteBuckets(client, prefix) {
  const { Buckets = [] } = await client.send(new ListBucketsCommand({}));
  for (const { Name } of Buckets) {
    if (Name?.startsWith(prefix)) await deleteBucket(client, Name).catch(() => undefined);
  }
}

/**
 * The app's settings for S3 storage in `bucket` on this server (path-style addressing).
 * @param {import('./s3.d.mts').S3ServerSettings} settings
 * @param {string} bucket
 */
export function s3StorageEnv(settings, bucket) {
  return {
    STORAGE_SERVICE: 's3',
    S3_BUCKET: bucket,
    S3_ENDPOINT: settings.endpoint,
    S3_FORCE_PATH_STYLE: 'true',
    AWS_REGION: settings.region,
    AWS_ACCESS_KEY_ID: settings.accessKeyId,
    AWS_SECRET_ACCESS_KEY: settings.secretAccessKey,
  };
}
