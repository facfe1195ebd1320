// The contract of POST /api/users, shared by the route, the form, the browser client and the tests.
import { z } from 'zod';
import { isPlainText, removeFormatCharacters } from '@/lib/plain-text';
import type { FieldErrors } from './error-codes';
import { fieldErrors } from './field-errors';

/** The longest value of each field, in characters (the form's `maxLength` too). */
export const applicantFieldMaxLength = { first_name: 100, last_name: 100, email: 254 } as const;

const personName = (label: string, max: number) =>
  z
    .string({ error: `${label} is required` })
    .overwrite(removeFormatCharacters)
    .trim()
    .min(1, `${label} is required`)
    .max(max, `${label} must be at most ${max} characters`)
    .refine(isPlainText, `${label} contains control characters, which are not allowed`);

/** The tutorial's `POST /api/users` body. `pdf` is the `blob_signed_id`; the API allows none. */
export const applicantRequestSchema = z.strictObject({
  email: z
    .string({ error: 'Email is required' })
    .trim()
    .min(1, 'Email is required')
    .max(applicantFieldMaxLength.email, `Email must be at most ${applicantFieldMaxLength.email} characters`)
    .pipe(z.email('Enter a valid email address, like name@example.com')),
  first_name: personName('First name', applicantFieldMaxLength.first_name),
  last_name: personName('Last name', applicantFieldMaxLength.last_name),
  pdf: z.string().min(1).max(4096).refine(isPlainText, 'Not a valid upload reference.').nullish(),
});

export type ApplicantRequest = z.infer<typeof applicantRequestSchema>;

/** What the form asks for; `pdf` comes from the upload. */
export const applicantFieldsSchema = applicantRequestSchema.pick({ email: true, first_name: true, last_name: true });

export type ApplicantFields = z.input<typeof applicantFieldsSchema>;

/** The form's own check, before it sends anything: the server's rules and messages, field by field. */
export function validateApplicantFields(values: ApplicantFields): { data: ApplicantFields; fields: null } | { data: null; fields: FieldErrors } {
  const parsed = applicantFieldsSchema.safeParse(values);
  return parsed.success ? { data: parsed.data, fields: null } : { data: null, fields: fieldErrors(parsed.error) };
}

/** `200` of `POST /api/users`. */
export interface ApplicantResponse {
  id: string;
  email: string;
  first_name: string;
  last_name: string;
  created_at: string;
  resume_url: string | null;
}
