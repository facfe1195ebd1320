import { z } from 'zod';

/** What the audit trail records (db/schema.ts `audit_events.action`), in the recruiter's words. */
export const auditActionLabels = {
  signed_in: 'Signed in',
  sign_in_failed: 'Sign-in failed',
  viewed_resume: 'Viewed resume',
  viewed_preview: 'Viewed preview',
  exported_csv: 'Exported CSV',
  downloaded_data: 'Downloaded data',
  hold_set: 'Set hold',
  deleted: 'Deleted',
  withdrawn: 'Withdrawn by applicant',
  retention_deleted: 'Deleted by retention',
} as const;

/** /admin/audit's query: anything unknown is ignored rather than an error page. */
export const auditQuery = z.object({
  action: z
    .enum(
      Object.keys(auditActionLabels) as [
        keyof typeof auditActionLabels,
        ...(keyof typeof auditActionLabels)[],
      ],
    )
    .optional()
    .catch(undefined),
  applicant: z.uuid().optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100_000).catch(1).default(1),
});
