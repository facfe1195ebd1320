import 'server-only';

/** S3's ETag of a single-part upload is the hex MD5; turn it into the base64 form we store. */
export function checksumFromEtag(etag: string | undefined): string | undefined {
  const hex = etag?.replace(/"/g, '');
  if (!hex || !/^[0-9a-f]{32}$/i.test(hex)) return undefined;
  return Buffer.from(hex, 'hex').toString('base64');
}
