import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  ListObjectsV2Command,
  type S3Client,
} from '@aws-sdk/client-s3';
import { inject } from 'vitest';
import { createS3Client } from '@/lib/storage/s3';
import type { S3TestSettings } from './s3-global-setup';

/** The S3 suite is skipped on purpose: outside CI, on a machine without Ceph. */
export const s3Skipped = (): boolean => inject('s3').state === 'skipped';

/** The S3 server to test against; throws why there is none. */
export function s3Settings(): S3TestSettings {
  const server = inject('s3');
  if (server.state !== 'ready') throw new Error(server.reason);
  return server.settings;
}

export function testBucketName(label: string): string {
  return `rd-${label}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

export function testS3Client(settings: S3TestSettings, overrides: { secretAccessKey?: string } = {}): S3Client {
  return createS3Client({
    bucket: '',
    endpoint: settings.endpoint,
    forcePathStyle: true,
    region: settings.region,
    accessKeyId: settings.accessKeyId,
    secretAccessKey: overrides.secretAccessKey ?? settings.secretAccessKey,
  });
}

export async function createBucket(client: S3Client, bucket: string): Promise<void> {
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
}

export async function listKeys(client: S3Client, bucket: string): Promise<string[]> {
  const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
  return (listed.Contents ?? []).map((object) => object.Key ?? '');
}

export async function emptyBucket(client: S3Client, bucket: string): Promise<void> {
  for (const key of await listKeys(client, bucket)) {
    await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
  }
}

export async function deleteBucket(client: S3Client, bucket: string): Promise<void> {
  await emptyBucket(client, bucket);
  await client.send(new DeleteBucketCommand({ Bucket: bucket }));
}
