import { z } from 'zod';

/**
 * The applicant's own page (`/applications#<token>`) sends its signed token in a POST body, never
 * in a URL, to read the application and to withdraw it.
 */
export const applicationTokenRequest = z.object({ token: z.string().min(1).max(4096) });

export type ApplicationTokenRequest = z.infer<typeof applicationTokenRequest>;

/** What is stored about the application, as its page shows it. */
export interface ApplicationResponse {
  first_name: string;
  last_name: string;
  email: string;
  created_at: string;
  resume: { filename: string; byte_size: number; url: string } | null;
}

export interface WithdrawalResponse {
  withdrawn: true;
}
