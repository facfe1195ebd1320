import 'server-only';
import { getEnv, type Env } from '@/lib/env';
import { bucketUrl } from '@/lib/storage/bucket-url';

/** Where the browser sends the file: the bucket's origin for S3, our own origin for the disk service. */
export function storageOrigin(env: Env): string | null {
  if (env.STORAGE_SERVICE !== 's3' || !env.S3_BUCKET) return null;
  return new URL(bucketUrl({ bucket: env.S3_BUCKET, region: env.AWS_REGION, endpoint: env.S3_ENDPOINT, forcePathStyle: env.S3_FORCE_PATH_STYLE })).origin;
}

/**
 * HSTS once the app is known to live on https (production with an https APP_URL): browsers then
 * refuse plain HTTP to it for two years, so a network attacker cannot strip TLS from a later visit.
 */
export function strictTransportSecurity(env: Env): string | null {
  return env.NODE_ENV === 'production' && env.APP_URL?.startsWith('https:') ? 'max-age=63072000; includeSubDomains' : null;
}

/**
 * The pages' Content-Security-Policy: scripts only from us with this response's nonce (no
 * unsafe-eval outside development), uploads only to us and the bucket, no framing.
 */
export function buildPageCsp(nonce: string): string {
  const env = getEnv();
  const development = env.NODE_ENV === 'development';
  const connect = ["'self'", storageOrigin(env), development ? 'ws:' : null].filter(Boolean).join(' ');
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${development ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    // Resume previews come from the bucket (a redirect to a presigned URL) when S3 is used.
    `img-src ${["'self'", 'data:', 'blob:', storageOrigin(env)].filter(Boolean).join(' ')}`,
    "font-src 'self'",
    `connect-src ${connect}`,
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}
