import { z } from 'zod';

/** The longest search term used; the rest of a longer one is ignored. */
export const maxSearchLength = 200;

/** The last page the recruiter's list goes to (20 a page: two million applicants). */
export const maxListPage = 100_000;

// A parameter given twice (`?q=a&q=b`) counts once: its first value, as a form would send it.
const firstValue = (value: unknown) => (Array.isArray(value) ? value[0] : value);

/**
 * The recruiter list's query parameters (/admin and its CSV export), clamped rather than refused:
 * a search term of at most `maxSearchLength` characters, and a page between 1 and `maxListPage`
 * (a page that is not a number is the first).
 */
export const applicantSearchSchema = z.object({
  q: z.preprocess(firstValue, z.string().catch('')).transform((q) => q.slice(0, maxSearchLength)),
  page: z
    .preprocess(firstValue, z.coerce.number().catch(1))
    .transform((page) => Math.min(Math.max(1, Math.trunc(page)), maxListPage)),
});

export type ApplicantSearch = z.output<typeof applicantSearchSchema>;
