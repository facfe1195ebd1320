import type { z } from 'zod';
import type { FieldErrors } from './error-codes';

/** A zod error as the API's `fields`: one message per field, named by its dotted path. */
export function fieldErrors(error: z.ZodError): FieldErrors {
  const fields: FieldErrors = {};
  for (const issue of error.issues) {
    // A bad record key is reported on its record: the key itself is the bad input.
    const path = issue.code === 'invalid_key' ? issue.path.slice(0, -1) : issue.path;
    const message = issue.code === 'invalid_key' ? `has a key that ${issue.issues[0]?.message ?? 'is not valid'}` : issue.message;
    const name = path.length > 0 ? path.join('.') : '_';
    fields[name] ??= message;
  }
  return fields;
}
