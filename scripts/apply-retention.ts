// npm run applicants:retention [-- --dry-run] [-- --as-of <ISO date>]: delete the applicants past
// RETENTION_DAYS (and audit entries past AUDIT_RETENTION_DAYS), as the daily job does.
import { parseArgs } from 'node:util';
import './cli-env';
import { runCli } from './run-cli';
import { applyRetention } from '@/lib/privacy/retention';

async function main() {
  const { values } = parseArgs({
    options: { 'dry-run': { type: 'boolean', default: false }, 'as-of': { type: 'string' } },
  });
  const asOf = values['as-of'] === undefined ? new Date() : new Date(values['as-of']);
  if (Number.isNaN(asOf.getTime()))
    throw new Error('--as-of takes an ISO date, e.g. 2027-01-31 or 2027-01-31T12:00:00Z');
  const result = await applyRetention({ asOf, dryRun: values['dry-run'] });
  if (result.retentionDays === 0) console.log('RETENTION_DAYS=0: applicants are kept forever.');
  const when = result.asOf.toISOString();
  if (result.dryRun) {
    console.log(
      `${result.due.length} applicant(s) past ${result.retentionDays} days at ${when} would be deleted:`,
    );
    for (const applicant of result.due) {
      console.log(
        `  ${applicant.id}  applied ${applicant.createdAt.toISOString()}${applicant.keepUntil ? `  (held until ${applicant.keepUntil})` : ''}`,
      );
    }
    return 0;
  }
  console.log(
    `Deleted ${result.deleted} applicant(s) past ${result.retentionDays} days at ${when}; ${result.failed} kept for the next run; ` +
      `${result.auditEventsPurged} audit entr${result.auditEventsPurged === 1 ? 'y' : 'ies'} past their retention.`,
  );
  return result.failed === 0 ? 0 : 1;
}

runCli('applicants:retention', main);
