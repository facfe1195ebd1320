// The contract of POST /api/direct-uploads, shared by the route, the browser client and the tests.
import { z } from 'zod';
import { disallowedCharactersMessage, isPlainText } from '@/lib/plain-text';

/** A base64 MD5 digest is exactly 16 bytes: 22 characters and `==`. */
export const base64Md5Pattern = /^[A-Za-z0-9+/]{21}[AQgw]==$/;

// Metadata is the client's free-form note (the tutorial sends one short message): bounded, so that
// presigning cannot be used to store data in our database.
export const maxMetadataKeys = 10;
export const maxMetadataBytes = 1024;

const encoder = new TextEncoder();
const utf8Bytes = (value: string) => encoder.encode(value).length;

const text = (max: number) => z.string().max(max, 'is too long').refine(isPlainText, disallowedCharactersMessage);

const metadata = z
  .record(text(64), text(maxMetadataBytes))
  .refine((value) => Object.keys(value).length <= maxMetadataKeys, `has more than ${maxMetadataKeys} entries`)
  .refine(
    (value) => Object.entries(value).reduce((total, [key, entry]) => total + utf8Bytes(key) + utf8Bytes(entry), 0) <= maxMetadataBytes,
    `is larger than ${maxMetadataBytes} bytes (keys and values together)`,
  );

/** The tutorial's request body, checked for shape only; policy (size, and the type from file-types.ts) is applied after, by lib/blobs/create-direct-upload.ts. */
export const directUploadRequestSchema = z.strictObject({
  file: z.strictObject({
    filename: text(1024).min(1, 'is required'),
    byte_size: z.number({ error: 'must be a number' }),
    checksum: z.string().regex(base64Md5Pattern, 'must be the base64 MD5 of the file (24 characters)'),
    content_type: text(255).min(1, 'is required'),
    metadata: metadata.optional(),
  }),
});

export type DirectUploadRequestBody = z.infer<typeof directUploadRequestSchema>;

/** `200` of `POST /api/direct-uploads`: PUT the file to `url` with exactly `headers`. */
export interface DirectUploadResponse {
  direct_upload: { url: string; headers: Record<string, string> };
  blob_signed_id: string;
}
