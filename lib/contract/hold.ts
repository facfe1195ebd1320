import { z } from 'zod';

/** A recruiter's hold on one applicant: retention keeps them through `keep_until` (UTC); null lifts it. */
export const holdRequest = z.object({ keep_until: z.iso.date().nullable() });

export type HoldRequest = z.infer<typeof holdRequest>;
