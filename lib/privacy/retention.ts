import 'server-only';
import { and, asc, gt, isNull, lt, or, sql } from 'drizzle-orm';
import { users } from '@/db/schema';
import { getDb } from '@/lib/database';
import { getEnv } from '@/lib/env';
import { systemActor } from '@/lib/audit/actor';
import { purgeAuditEvents } from '@/lib/audit/purge-audit-events';
import { eraseApplicant } from './erase-applicant';

export interface DueApplicant {
  id: string;
  createdAt: Date;
  keepUntil: string | null;
}

export interface RetentionResult {
  asOf: Date;
  retentionDays: number;
  dryRun: boolean;
  /** The applicants past their retention at `asOf` (in a dry run: what would be deleted). */
  due: DueApplicant[];
  deleted: number;
  /** Kept for now (storage or the database failed): due again on the next run. */
  failed: number;
  auditEventsPurged: number;
}

const batchSize = 100;

/** Applicants older than RETENTION_DAYS at `asOf`, but those a recruiter holds through that day. */
async function findDueApplicants(asOf: Date, retentionDays: number): Promise<DueApplicant[]> {
  if (retentionDays === 0) return [];
  const db = await getDb();
  const cutoff = new Date(asOf.getTime() - retentionDays * 24 * 3600_000);
  const day = asOf.toISOString().slice(0, 10);
  const due: DueApplicant[] = [];
  let after: { createdAt: Date; id: string } | null = null;
  for (;;) {
    const page: DueApplicant[] = await db
      .select({ id: users.id, createdAt: users.createdAt, keepUntil: users.keepUntil })
      .from(users)
      .where(
        and(
          lt(users.createdAt, cutoff),
          or(isNull(users.keepUntil), lt(users.keepUntil, day)),
          after
            ? or(
                gt(users.createdAt, after.createdAt),
                and(sql`${users.createdAt} = ${after.createdAt}`, gt(users.id, after.id)),
              )
            : undefined,
        ),
      )
      .orderBy(asc(users.createdAt), asc(users.id))
      .limit(batchSize);
    due.push(...page);
    const last = page.at(-1);
    if (!last || page.length < batchSize) return due;
    after = last;
  }
}

/**
 * Retention, daily (lib/jobs/apply-retention.ts) or by hand (`npm run applicants:retention`):
 * erases each applicant past RETENTION_DAYS at `asOf` (lib/privacy/erase-applicant.ts: objects
 * before rows, recorded as `retention_deleted`), and audit entries past AUDIT_RETENTION_DAYS. An
 * applicant that cannot be erased now (storage down) is counted as failed and kept for the next run.
 */
export async function applyRetention(
  options: { asOf?: Date; dryRun?: boolean } = {},
): Promise<RetentionResult> {
  const { asOf = new Date(), dryRun = false } = options;
  const retentionDays = getEnv().RETENTION_DAYS;
  const due = await findDueApplicants(asOf, retentionDays);
  const result: RetentionResult = {
    asOf,
    retentionDays,
    dryRun,
    due,
    deleted: 0,
    failed: 0,
    auditEventsPurged: 0,
  };
  if (dryRun) return result;
  for (const applicant of due) {
    try {
      if (await eraseApplicant(applicant.id, 'retention_deleted', systemActor)) result.deleted += 1;
    } catch (error) {
      result.failed += 1;
      console.warn(
        `retention: applicant ${applicant.id} kept for the next run: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  result.auditEventsPurged = await purgeAuditEvents(asOf);
  return result;
}
