import 'server-only';

/** The S3 settings that say where a bucket lives. */
export interface BucketLocation {
  bucket: string;
  region?: string;
  endpoint?: string;
  forcePathStyle?: boolean;
}

/**
 * The bucket's base URL, as the SDK addresses it: AWS's virtual-hosted name, or on a custom
 * endpoint the bucket as a path (S3_FORCE_PATH_STYLE) or as a subdomain. The one definition the
 * page's CSP (where the browser may send the file) and the storage doctor both use.
 */
export function bucketUrl({ bucket, region, endpoint, forcePathStyle }: BucketLocation): string {
  if (!endpoint) return `https://${bucket}.s3.${region ?? 'us-east-1'}.amazonaws.com`;
  const url = new URL(endpoint);
  return forcePathStyle ? `${url.origin}${url.pathname.replace(/\/$/, '')}/${bucket}` : `${url.protocol}//${bucket}.${url.host}`;
}

/** The headers a presigned upload is bound to: whoever holds the URL can store only these exact bytes, this type, once. */
export const signedUploadHeaders = ['content-type', 'content-md5', 'content-length', 'if-none-match'] as const;
