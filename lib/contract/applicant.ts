// The contract of POST /api/users, shared by the route, the browser client and the tests. The rules
// of the three fields live in applicant-fields.ts, which the form imports without zod.
import { z } from 'zod';
import { isPlainText } from '@/lib/plain-text';
import { applicantFieldChecks, applicantFieldRequired, type ApplicantFields, type FieldCheck } from './applicant-fields';

const checked = (check: FieldCheck, required: string) =>
  z.string({ error: required }).transform((value, context) => {
    const result = check(value);
    if (result.error === undefined) return result.value;
    context.addIssue({ code: 'custom', message: result.error });
    return z.NEVER;
  });

const field = (name: keyof ApplicantFields) => checked(applicantFieldChecks[name], applicantFieldRequired[name]);

/** The tutorial's `POST /api/users` body. `pdf` is the `blob_signed_id`; the API allows none. */
export const applicantRequestSchema = z.strictObject({
  email: field('email'),
  first_name: field('first_name'),
  last_name: field('last_name'),
  pdf: z.string().min(1).max(4096).refine(isPlainText, 'Not a valid upload reference.').nullish(),
});

export type ApplicantRequest = z.infer<typeof applicantRequestSchema>;

/** `200` of `POST /api/users`. */
export interface ApplicantResponse {
  id: string;
  email: string;
  first_name: string;
  last_name: string;
  created_at: string;
  resume_url: string | null;
}
