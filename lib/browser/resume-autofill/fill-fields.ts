import type { ResumeFields } from './resume-fields';

export const fillableFields = ['first_name', 'last_name', 'email'] as const;
export type FillableField = (typeof fillableFields)[number];
export type FormValues = Record<FillableField, string>;
/** What the resume put in each field; a field counts as filled only while it still holds that value. */
export type FilledValues = Partial<Record<FillableField, string>>;

const fromResume = (fields: ResumeFields): Partial<FormValues> => ({
  first_name: fields.firstName ?? undefined,
  last_name: fields.lastName ?? undefined,
  email: fields.email ?? undefined,
});

/** The fields that still hold what the resume put there (the applicant has not changed them). */
export function stillFilled(values: FormValues, filled: FilledValues): FillableField[] {
  return fillableFields.filter((name) => filled[name] !== undefined && values[name] === filled[name]);
}

/**
 * Puts what the resume says into the fields the applicant left empty. What they typed, before or
 * after an earlier fill, is never replaced; what an earlier file filled and nobody changed is.
 */
export function fillFromResume(values: FormValues, filled: FilledValues, fields: ResumeFields): { values: FormValues; filled: FilledValues } {
  const cleared = clearFilled(values, filled);
  const found = fromResume(fields);
  const next = { ...cleared.values };
  const nextFilled: FilledValues = {};
  for (const name of fillableFields) {
    const value = found[name];
    if (value && next[name].trim() === '') {
      next[name] = value;
      nextFilled[name] = value;
    }
  }
  return { values: next, filled: nextFilled };
}

/** Empties the fields that still hold what the resume put there, and forgets the fill. */
export function clearFilled(values: FormValues, filled: FilledValues): { values: FormValues; filled: FilledValues; cleared: FillableField[] } {
  const cleared = stillFilled(values, filled);
  const next = { ...values };
  for (const name of cleared) next[name] = '';
  return { values: next, filled: {}, cleared };
}
