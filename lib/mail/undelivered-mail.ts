import 'server-only';
import { sql } from 'drizzle-orm';
import { getDb } from '@/lib/database';
import { getBoss, jobsSchema } from '@/lib/jobs/boss';
import { deadLetterQueue } from '@/lib/jobs/define-job';
import { lastFailureOf } from '@/lib/jobs/run-job';
import { sendMailJob } from '@/lib/jobs/send-mail';

export interface UndeliveredMail {
  kind: string;
  /** The applicant it was about (null for a digest, or once the applicant is gone). */
  applicant: string | null;
  /** The server's reply code and enhanced status (`smtp_550_5.1.1`), or why it gave up. */
  reason: string;
  failedAt: Date;
}

/**
 * Messages given up on (dead-lettered, kept 30 days), newest first, for /admin: which kind, about
 * whom, and the server's reply.
 */
export async function listUndeliveredMail(limit = 20): Promise<UndeliveredMail[]> {
  await getBoss();
  const db = await getDb();
  const result: unknown = await db.execute(sql`
    select dead.data->>'kind' as kind, dead.source_output as output, dead.created_on as failed_at,
           users.first_name || ' ' || users.last_name as applicant
    from ${sql.raw(`${jobsSchema}.job`)} as dead
    left join users on users.id::text = dead.data->>'userId'
    where dead.name = ${deadLetterQueue(sendMailJob.name)}
    order by dead.created_on desc
    limit ${limit}`);
  // node-postgres answers a result with rows; PGlite's driver the rows themselves.
  const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as {
    kind: string;
    output: unknown;
    failed_at: Date | string;
    applicant: string | null;
  }[];
  return rows.map((row) => ({
    kind: row.kind,
    applicant: row.applicant,
    reason: lastFailureOf(row.output),
    failedAt: new Date(row.failed_at),
  }));
}
