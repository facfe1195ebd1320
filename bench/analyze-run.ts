// Run by bench/analyze.mjs as `node --conditions=react-server --import tsx bench/analyze-run.ts`:
// the app's own analysis and search code, measured in one process, printing one JSON object.
//   1. runAnalysisWorker('pdf', …) (the worker thread with its ceilings) on 1/10/100-page text PDFs and a 10 MB
//      image-heavy PDF: wall time and peak growth of the process's RSS (sampled every 20 ms).
//   2. listApplicants (the recruiter's search query) over 10,000 applicants with generated resume
//      texts, on Postgres and on PGlite: latency percentiles per kind of query.
import { sql } from 'drizzle-orm';
import { openDatabase } from '@/db/client';
import { closeDb, getDb } from '@/lib/database';
import { attachments, blobs, users } from '@/db/schema';
import { listApplicants } from '@/lib/admin/applicants';
import { defaultLimits, runAnalysisWorker } from '@/lib/analysis/run-analysis-worker';
import { getEnv, resetEnv } from '@/lib/env';
import { generateBlobKey } from '@/lib/storage/keys';
import { makeImagePdf, makeResumePages, makeTextPdf } from '@/tests/fixtures/pdf-documents';
import { createDatabase, dropDatabase, postgresAdminUrl } from '@/scripts/harness/postgres.mjs';

const reps = Number(process.env.BENCH_ANALYZE_REPS ?? 3);
const applicantCount = Number(process.env.BENCH_SEARCH_APPLICANTS ?? 10_000);
const queryReps = Number(process.env.BENCH_SEARCH_REPS ?? 40);
const postgresAdmin = process.env.BENCH_POSTGRES_URL ?? postgresAdminUrl();
const MB = 1_000_000;

const median = (values: number[]) => percentile(values, 50);
function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
const log = (message: string) => console.error(`[bench analyze ${new Date().toISOString().slice(11, 19)}] ${message}`);

async function benchAnalysis() {
  const files: [string, Buffer][] = [
    ['1-page text', makeTextPdf(makeResumePages(1))],
    ['10-page text', makeTextPdf(makeResumePages(10))],
    ['100-page text', makeTextPdf(makeResumePages(100))],
    ['10 MB image-heavy', makeImagePdf(10 * MB)],
  ];
  const results = [];
  for (const [name, pdf] of files) {
    const durations: number[] = [];
    const peaks: number[] = [];
    let pages = 0;
    let textBytes = 0;
    let previewBytes = 0;
    for (let rep = 0; rep < reps; rep += 1) {
      const outcome = await runAnalysisWorker('pdf', new Uint8Array(pdf), defaultLimits);
      if (!outcome.ok) throw new Error(`${name}: ${outcome.failure.code} ${outcome.failure.message}`);
      durations.push(outcome.stats.durationMs);
      peaks.push(outcome.stats.peakRssGrowthBytes / MB);
      pages = outcome.result.pageCount ?? 0;
      textBytes = Buffer.byteLength(outcome.result.text);
      previewBytes = outcome.result.preview?.bytes.byteLength ?? 0;
    }
    log(`${name}: ${Math.round(median(durations))} ms, peak RSS growth ${Math.round(Math.max(...peaks))} MB`);
    results.push({
      name,
      fileMB: pdf.length / MB,
      pages,
      textKB: textBytes / 1000,
      previewKB: previewBytes / 1000,
      medianMs: median(durations),
      maxMs: Math.max(...durations),
      peakRssGrowthMB: Math.max(...peaks),
    });
  }
  return results;
}

// ---------- search ----------

const firstNames = 'Ada Grace Alan Linus Barbara Edsger Margaret Donald Radia Ken Frances Dennis Hedy Tim Katherine John Sophie Yukihiro Guido Anders'.split(' ');
const lastNames = 'Lovelace Hopper Turing Torvalds Liskov Dijkstra Hamilton Knuth Perlman Thompson Allen Ritchie Lamarr Berners-Lee Johnson McCarthy Wilson Matsumoto Rossum Hejlsberg Smith'.split(' ');
const skills = 'kubernetes terraform postgres react typescript python golang rust java kafka spark airflow docker aws gcp azure graphql redis elasticsearch swift kotlin figma tableau excel salesforce sap'.split(' ');
const prose = (
  'experience team project led built designed delivered managed customer data platform service engineering product quality ' +
  'release deployment system analysis research support cloud database testing security performance mentoring planning budget ' +
  'stakeholders process automation reporting improved reduced increased launched migrated scaled owned collaborated across ' +
  'company startup enterprise global remote agile scrum roadmap strategy operations sales marketing finance design users growth'
).split(' ');

function makeRandom(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

/** About 3 KB of resume-like text: prose with a handful of skills, one rare word in one resume. */
function resumeText(index: number, random: () => number): string {
  const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)]!;
  const own = Array.from({ length: 6 }, () => pick(skills));
  const words: string[] = [];
  for (let n = 0; n < 420; n += 1) words.push(random() < 0.08 ? pick(own) : pick(prose));
  if (index === 4242) words.splice(200, 0, 'zanzibarite');
  return words.join(' ');
}

async function seed(kind: 'postgres' | 'pglite') {
  const db = await getDb();
  const random = makeRandom(7);
  const batch = 500;
  for (let start = 0; start < applicantCount; start += batch) {
    const size = Math.min(batch, applicantCount - start);
    const people = Array.from({ length: size }, (_, offset) => {
      const index = start + offset;
      return {
        email: `applicant${index}@example.com`,
        firstName: firstNames[index % firstNames.length]!,
        lastName: lastNames[Math.floor(index / firstNames.length) % lastNames.length]!,
        createdAt: new Date(Date.now() - (applicantCount - index) * 60_000),
      };
    });
    const createdUsers = await db.insert(users).values(people).returning({ id: users.id });
    const createdBlobs = await db
      .insert(blobs)
      .values(
        people.map((_, offset) => ({
          key: generateBlobKey(),
          filename: `resume-${start + offset}.pdf`,
          contentType: 'application/pdf',
          byteSize: 60_000,
          checksum: 'AAAAAAAAAAAAAAAAAAAAAA==',
          serviceName: 'disk',
          state: 'attached' as const,
          pageCount: 1 + ((start + offset) % 3),
          extractedText: resumeText(start + offset, random),
          analyzedAt: new Date(),
        })),
      )
      .returning({ id: blobs.id });
    await db.insert(attachments).values(
      createdUsers.map((user, offset) => ({ name: 'resume', recordType: 'User', recordId: user.id, blobId: createdBlobs[offset]!.id })),
    );
  }
  // What autovacuum does soon after a bulk load: the GIN index's pending entries are merged and the
  // planner learns the table (before it, it scans every row's tsvector instead of the index).
  await db.execute(sql`vacuum analyze`);
  log(`${kind}: ${applicantCount} applicants seeded`);
}

const queries: [string, string][] = [
  ['rare word in one resume', 'zanzibarite'],
  ['common skill (~20% of resumes)', 'kubernetes'],
  ['two skills', 'kubernetes terraform'],
  ['name', 'hopper'],
  ['no search (newest page)', ''],
];

async function measureQueries() {
  const results = [];
  const all: number[] = [];
  for (const [label, term] of queries) {
    for (let warm = 0; warm < 3; warm += 1) await listApplicants(term, 1);
    const times: number[] = [];
    let total = 0;
    for (let rep = 0; rep < queryReps; rep += 1) {
      const started = performance.now();
      total = (await listApplicants(term, 1)).total;
      times.push(performance.now() - started);
    }
    all.push(...times);
    results.push({ label, term, matches: total, p50: percentile(times, 50), p99: percentile(times, 99) });
  }
  return { queries: results, p50: percentile(all, 50), p99: percentile(all, 99) };
}

async function benchSearch(kind: 'postgres' | 'pglite') {
  let database: string | undefined;
  if (kind === 'postgres') {
    // Not bench_*: a concurrent `npm run bench` drops those as leftovers of interrupted runs.
    database = `analyze_bench_${process.pid}`;
    process.env.DATABASE_URL = await createDatabase(database, postgresAdmin);
  } else {
    delete process.env.DATABASE_URL;
    process.env.PGLITE_DIR = 'memory://';
  }
  resetEnv();
  try {
    if (kind === 'postgres') {
      const handle = await openDatabase(getEnv());
      await handle.migrate();
      await handle.close();
    }
    const seeded = performance.now();
    await seed(kind);
    const seedSeconds = (performance.now() - seeded) / 1000;
    const result = await measureQueries();
    log(`${kind}: search p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms`);
    return { kind, applicants: applicantCount, seedSeconds, ...result };
  } finally {
    await closeDb();
    if (database) await dropDatabase(database, postgresAdmin);
  }
}

async function main() {
  process.env.BLOB_TOKEN_SECRET ??= 'benchmark-secret-0123456789-abcdefghijklmnopqrstuvwxyz';
  const analysis = await benchAnalysis();
  const search = [await benchSearch('postgres'), await benchSearch('pglite')];
  console.log(JSON.stringify({ reps, queryReps, limits: defaultLimits, analysis, search }));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
