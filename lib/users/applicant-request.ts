import { z } from 'zod';
import { isPlainText, removeFormatCharacters } from '@/lib/plain-text';

const personName = (label: string) =>
  z
    .string({ error: `${label} is required` })
    .overwrite(removeFormatCharacters)
    .trim()
    .min(1, `${label} is required`)
    .max(100, `${label} must be at most 100 characters`)
    .refine(isPlainText, `${label} contains control characters, which are not allowed`);

/** The tutorial's `POST /api/users` body. `pdf` is the `blob_signed_id`; the API allows none. */
export const applicantRequestSchema = z.strictObject({
  email: z
    .string({ error: 'Email is required' })
    .trim()
    .min(1, 'Email is required')
    .max(254, 'Email must be at most 254 characters')
    .pipe(z.email('Enter a valid email address, like name@example.com')),
  first_name: personName('First name'),
  last_name: personName('Last name'),
  pdf: z.string().min(1).max(4096).refine(isPlainText, 'Not a valid upload reference.').nullish(),
});

export type ApplicantRequest = z.infer<typeof applicantRequestSchema>;
