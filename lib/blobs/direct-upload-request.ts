import { z } from 'zod';
import { base64Md5Pattern } from '@/lib/storage/checksum';

/** The tutorial's request body, checked for shape only; policy (size, type) is applied after. */
export const directUploadRequestSchema = z.strictObject({
  file: z.strictObject({
    filename: z.string().min(1, 'is required').max(1024, 'is too long'),
    byte_size: z.number({ error: 'must be a number' }),
    checksum: z.string().regex(base64Md5Pattern, 'must be the base64 MD5 of the file (24 characters)'),
    content_type: z.string().min(1, 'is required').max(255, 'is too long'),
    metadata: z
      .record(z.string().max(64), z.string().max(1024, 'values are limited to 1024 characters'))
      .refine((value) => Object.keys(value).length <= 20, 'has more than 20 entries')
      .optional(),
  }),
});

export type DirectUploadRequestBody = z.infer<typeof directUploadRequestSchema>;
