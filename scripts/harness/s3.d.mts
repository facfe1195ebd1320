// Types of s3.mjs (plain ESM, so that node scripts and the benchmarks import it too).
import type { S3Client } from '@aws-sdk/client-s3';

/** An S3 server and the key to use on it. */
export interface S3ServerSettings {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
}

/** Which gateway of scripts/s3-test-server.sh: what is left out takes the script's default. */
export interface GatewayOptions {
  dir?: string;
  port?: number;
  monPort?: number;
  /** Size of the in-memory object store. */
  bytes?: number;
  accessKeyId?: string;
  secretAccessKey?: string;
  /** The region the settings name (the gateway accepts any); us-east-1 by default. */
  region?: string;
}

export type GatewayStart =
  | { state: 'ready'; settings: S3ServerSettings; alreadyRunning: boolean }
  | { state: 'missing' | 'failed'; reason: string; output: string };

export declare function startGateway(gateway?: GatewayOptions): GatewayStart;
export declare function gatewayRunning(gateway?: GatewayOptions): boolean;
export declare function stopGateway(gateway?: GatewayOptions): boolean;
export declare function s3Client(settings: S3ServerSettings): S3Client;
export declare function bucketName(prefix: string): string;
export declare function createBucket(client: S3Client, bucket: string): Promise<void>;
export declare function listKeys(client: S3Client, bucket: string): Promise<string[]>;
export declare function emptyBucket(client: S3Client, bucket: string): Promise<void>;
export declare function deleteBucket(client: S3Client, bucket: string): Promise<void>;
export declare function deleteBuckets(client: S3Client, prefix: string): Promise<void>;
export declare function s3StorageEnv(settings: S3ServerSettings, bucket: string): Record<string, string>;
