// The rules of the applicant's three fields, written once as plain functions: the form runs them in
// the browser without shipping a validation library, and the server's schema (applicant.ts, zod)
// runs these same functions, so both refuse the same values with the same messages.
import { isPlainText, removeFormatCharacters } from '@/lib/plain-text';
import type { FieldErrors } from './error-codes';

/** The longest value of each field, in characters (the form's `maxLength` too). */
export const applicantFieldMaxLength = { first_name: 100, last_name: 100, email: 254 } as const;

/** What the form asks for; `pdf` comes from the upload. */
export interface ApplicantFields {
  email: string;
  first_name: string;
  last_name: string;
}

/** The address rule of zod's `z.email()` (its `z.regexes.email`), which this contract used before. */
export const emailPattern = /^(?:[A-Za-z0-9_'+\-]+\.)*[A-Za-z0-9_'+\-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9\-]*\.)+[A-Za-z]{2,}$/;

/** A field's value as the server stores it, or the message that refuses it. */
export type FieldCheck = (value: string) => { value: string; error?: undefined } | { error: string };

const personName =
  (label: string, max: number): FieldCheck =>
  (raw) => {
    const value = removeFormatCharacters(raw).trim();
    if (value.length === 0) return { error: `${label} is required` };
    if (Array.from(value).length > max) return { error: `${label} must be at most ${max} characters` };
    if (!isPlainText(value)) return { error: `${label} contains control characters, which are not allowed` };
    return { value };
  };

/**
 * Whether `value` is an email address: the pattern above, after an internationalized domain
 * (`bücher.example`) is put in its ASCII form as mail servers see it (the URL parser's IDNA, in
 * browsers and Node.js alike).
 */
export function isEmailAddress(value: string): boolean {
  const at = value.lastIndexOf('@');
  if (at < 1) return false;
  let domain: string;
  try {
    domain = new URL(`http://${value.slice(at + 1)}`).hostname;
  } catch {
    return false;
  }
  return emailPattern.test(`${value.slice(0, at)}@${domain}`);
}

const email: FieldCheck = (raw) => {
  const value = raw.trim();
  const max = applicantFieldMaxLength.email;
  if (value.length === 0) return { error: 'Email is required' };
  if (Array.from(value).length > max) return { error: `Email must be at most ${max} characters` };
  if (!isEmailAddress(value)) return { error: 'Enter a valid email address, like name@example.com' };
  return { value };
};

export const applicantFieldChecks: Record<keyof ApplicantFields, FieldCheck> = {
  email,
  first_name: personName('First name', applicantFieldMaxLength.first_name),
  last_name: personName('Last name', applicantFieldMaxLength.last_name),
};

/** Shown when a field is missing or not text at all. */
export const applicantFieldRequired: Record<keyof ApplicantFields, string> = {
  email: 'Email is required',
  first_name: 'First name is required',
  last_name: 'Last name is required',
};

/** The form's own check, before it sends anything: the server's rules and messages, field by field. */
export function validateApplicantFields(values: ApplicantFields): { data: ApplicantFields; fields: null } | { data: null; fields: FieldErrors } {
  const data: ApplicantFields = { email: '', first_name: '', last_name: '' };
  const fields: FieldErrors = {};
  for (const name of ['email', 'first_name', 'last_name'] as const) {
    const result = applicantFieldChecks[name](values[name]);
    if (result.error !== undefined) fields[name] = result.error;
    else data[name] = result.value;
  }
  return Object.keys(fields).length > 0 ? { data: null, fields } : { data, fields: null };
}
