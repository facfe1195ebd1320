import 'server-only';
import { GetBucketCorsCommand, PutBucketCorsCommand, type CORSRule, type S3Client } from '@aws-sdk/client-s3';

// Exactly what a direct upload sends, and ETag for multipart uploads to read back.
export const directUploadCorsHeaders = ['Content-Type', 'Content-MD5', 'If-None-Match'];

/** Exact origins only (`https://apply.example.com`): no wildcard, no path. */
function validateOrigins(origins: string[]): string[] {
  if (origins.length === 0) {
    throw new Error('No origin to allow: set ALLOWED_ORIGINS (comma-separated) or APP_URL.');
  }
  return origins.map((origin) => {
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      throw new Error(`ALLOWED_ORIGINS: ${JSON.stringify(origin)} is not an origin like https://apply.example.com`);
    }
    if (url.origin !== origin.replace(/\/$/, '') || !['http:', 'https:'].includes(url.protocol)) {
      throw new Error(`ALLOWED_ORIGINS: ${JSON.stringify(origin)} must be an exact origin (scheme://host[:port]) without a path`);
    }
    return url.origin;
  });
}

export function buildCorsRules(origins: string[]): CORSRule[] {
  return [
    {
      ID: 'resume-drop-direct-uploads',
      AllowedOrigins: validateOrigins(origins),
      AllowedMethods: ['PUT', 'GET'],
      AllowedHeaders: directUploadCorsHeaders,
      ExposeHeaders: ['ETag'],
      MaxAgeSeconds: 3600,
    },
  ];
}

/** The XML form, for consoles and tools that take the S3 API's own document. */
export function corsRulesToXml(rules: CORSRule[]): string {
  const element = (name: string, values: (string | number)[] | undefined) =>
    (values ?? []).map((value) => `    <${name}>${value}</${name}>`);
  const body = rules.flatMap((rule) => [
    '  <CORSRule>',
    ...element('ID', rule.ID ? [rule.ID] : []),
    ...element('AllowedOrigin', rule.AllowedOrigins),
    ...element('AllowedMethod', rule.AllowedMethods),
    ...element('AllowedHeader', rule.AllowedHeaders),
    ...element('ExposeHeader', rule.ExposeHeaders),
    ...element('MaxAgeSeconds', rule.MaxAgeSeconds === undefined ? [] : [rule.MaxAgeSeconds]),
    '  </CORSRule>',
  ]);
  return ['<CORSConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">', ...body, '</CORSConfiguration>'].join('\n');
}

export async function applyCorsRules(client: S3Client, bucket: string, rules: CORSRule[]): Promise<void> {
  await client.send(new PutBucketCorsCommand({ Bucket: bucket, CORSConfiguration: { CORSRules: rules } }));
}

export async function readCorsRules(client: S3Client, bucket: string): Promise<CORSRule[]> {
  try {
    return (await client.send(new GetBucketCorsCommand({ Bucket: bucket }))).CORSRules ?? [];
  } catch (error) {
    if ((error as { name?: string }).name === 'NoSuchCORSConfiguration') return [];
    throw error;
  }
}
