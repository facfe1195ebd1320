/** A base64 MD5 digest is exactly 16 bytes: 22 characters and `==`. */
export const base64Md5Pattern = /^[A-Za-z0-9+/]{21}[AQgw]==$/;

/** S3's ETag of a single-part upload is the hex MD5; turn it into the base64 form we store. */
export function checksumFromEtag(etag: string | undefined): string | undefined {
  const hex = etag?.replace(/"/g, '');
  if (!hex || !/^[0-9a-f]{32}$/i.test(hex)) return undefined;
  return Buffer.from(hex, 'hex').toString('base64');
}
