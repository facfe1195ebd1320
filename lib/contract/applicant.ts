// The contract of POST /api/users, shared by the route, the form, the browser client and the tests.
// Written with zod's tree-shakable `zod/mini` build: the form imports it, and the page then carries
// only the few checks used here instead of the whole library (the server gets the same rules).
import { z } from 'zod/mini';
import { isPlainText, removeFormatCharacters } from '@/lib/plain-text';
import type { FieldErrors } from './error-codes';
import { fieldErrors } from './field-errors';

/** The longest value of each field, in characters (the form's `maxLength` too). */
export const applicantFieldMaxLength = { first_name: 100, last_name: 100, email: 254 } as const;

const personName = (label: string, max: number) =>
  z
    .string({ error: `${label} is required` })
    .check(
      z.overwrite(removeFormatCharacters),
      z.trim(),
      z.minLength(1, `${label} is required`),
      z.maxLength(max, `${label} must be at most ${max} characters`),
      z.refine(isPlainText, `${label} contains control characters, which are not allowed`),
    );

/** The tutorial's `POST /api/users` body. `pdf` is the `blob_signed_id`; the API allows none. */
export const applicantRequestSchema = z.strictObject({
  email: z.pipe(
    z
      .string({ error: 'Email is required' })
      .check(
        z.trim(),
        z.minLength(1, 'Email is required'),
        z.maxLength(applicantFieldMaxLength.email, `Email must be at most ${applicantFieldMaxLength.email} characters`),
      ),
    z.email('Enter a valid email address, like name@example.com'),
  ),
  first_name: personName('First name', applicantFieldMaxLength.first_name),
  last_name: personName('Last name', applicantFieldMaxLength.last_name),
  pdf: z.nullish(z.string().check(z.minLength(1), z.maxLength(4096), z.refine(isPlainText, 'Not a valid upload reference.'))),
});

export type ApplicantRequest = z.infer<typeof applicantRequestSchema>;

/** What the form asks for; `pdf` comes from the upload. */
export const applicantFieldsSchema = z.pick(applicantRequestSchema, { email: true, first_name: true, last_name: true });

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
