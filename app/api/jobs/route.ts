import { after } from 'next/server';
import { acceptJobsRequest } from '@/lib/jobs/jobs-request';
import { workJobs } from '@/lib/jobs/work-jobs';
import { route } from '@/lib/http/handler';

// The one function that ships PDF.js and the canvas (next.config.ts): a resume's analysis takes up
// to 20 s, more than some plans' default. No other route sets 60: Vercel puts routes with the same
// settings into one function, which would then carry these 40 MB too.
export const maxDuration = 60;

// No job starts after this, so that the last one ends well inside maxDuration.
const budgetMs = 35_000;

const noStore = { 'Cache-Control': 'no-store' };

/** The app itself, right after it sent a job (JOBS_KICK, on Vercel): 202 now, the work after it. */
export const POST = route(async (request) => {
  await acceptJobsRequest(request, 'app');
  after(async () => {
    // Whatever stopped this run (the database down) leaves the jobs for the next kick or the cron.
    await workJobs({ budgetMs }).catch((error: unknown) => console.error(`jobs: the queue could not be worked (${(error as Error).name})`));
  });
  return Response.json({ status: 'accepted' }, { status: 202, headers: noStore });
});

/** Vercel Cron (GET with `Authorization: Bearer $CRON_SECRET`) or any scheduler: schedules and stragglers. */
export const GET = route(async (request) => {
  await acceptJobsRequest(request, 'cron');
  const result = await workJobs({ budgetMs });
  return Response.json(result, { headers: noStore });
});
