// Starts the production server for the end-to-end tests: builds first when the build is missing
// or older than the sources, then runs `next start` on 127.0.0.1 with its own fresh data.
//   node scripts/e2e-server.mjs         disk storage + PGlite (zero configuration), port 3100
//   node scripts/e2e-server.mjs --s3    S3 (the Ceph gateway of scripts/s3-test-server.sh) + Postgres, port 3200
// E2E_PORT serves on another port, with data of its own (.data/e2e[-s3]-<port>). SIGINT or SIGTERM
// stops the server, then this process; the server's exit ends this process with its code.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildIfStale, prepareApp, repoDir, startNext } from './harness/app.mjs';
import { bucketName, deleteBuckets, s3Client, startGateway } from './harness/s3.mjs';
import { startSmtpServer } from './harness/smtp.mjs';

const useS3 = process.argv.includes('--s3');
const port = Number(process.env.E2E_PORT ?? (useS3 ? 3200 : 3100));
const url = `http://127.0.0.1:${port}`;
const dataDir = path.join(repoDir, '.data', `${useS3 ? 'e2e-s3' : 'e2e'}${process.env.E2E_PORT ? `-${port}` : ''}`);

/** The Ceph gateway, with the buckets earlier runs left removed (its in-memory store is small). */
async function gateway() {
  const started = startGateway();
  if (started.state !== 'ready') throw new Error(`the S3 test server did not start (${started.reason}):\n${started.output}`);
  await deleteBuckets(s3Client(started.settings), 'rd-e2e-');
  return started;
}

try {
  await buildIfStale();
  const s3 = useS3 ? await gateway() : null;
  let prepared;
  try {
    prepared = await prepareApp({
      url,
      dataDir,
      ...(s3
        ? { storage: 's3', database: 'resume_drop_e2e_s3', s3: { settings: s3.settings, bucket: bucketName('rd-e2e') } }
        : { storage: 'disk' }),
      settings: {
        BLOB_TOKEN_SECRET: process.env.BLOB_TOKEN_SECRET ?? 'end-to-end-test-secret-0123456789-abcdefghijklmnop',
        ADMIN_PASSWORD: 'e2e-admin-password',
        // Every test comes from 127.0.0.1: the default limits (20 uploads, 10 applicants per 10
        // minutes and address) would refuse the suite itself. The limiter is tested in tests/integration.
        RATE_LIMIT_DIRECT_UPLOADS: process.env.RATE_LIMIT_DIRECT_UPLOADS ?? '1000',
        RATE_LIMIT_USERS: process.env.RATE_LIMIT_USERS ?? '1000',
        RATE_LIMIT_DISK_PUTS: process.env.RATE_LIMIT_DISK_PUTS ?? '1000',
        // tests/e2e/docx.spec.ts starts a server that accepts PDFs only.
        ...(process.env.RESUME_TYPES ? { RESUME_TYPES: process.env.RESUME_TYPES } : {}),
        // The disk project works its jobs through POST /api/jobs, kicked after each send, as on
        // Vercel; the S3 one with the in-process worker, as on one host or Heroku.
        ...(useS3 ? {} : { JOBS_IN_PROCESS: 'false', JOBS_KICK: 'true' }),
      },
    });
  } finally {
    // tests/e2e/global-teardown.ts stops the gateway when this run started it.
    if (s3 && !s3.alreadyRunning) {
      mkdirSync(dataDir, { recursive: true });
      writeFileSync(path.join(dataDir, 'started-gateway'), '');
    }
  }
  // A real SMTP server whose Maildir the tests read (tests/e2e/mail.spec.ts): <dataDir>/smtp.
  const smtp = await startSmtpServer({ dir: path.join(dataDir, 'smtp') });
  const mail = {
    SMTP_URL: smtp.url,
    MAIL_FROM: 'Hiring at Acme <jobs@acme.example>',
    RECRUITER_EMAILS: 'hiring@acme.example',
    ORG_NAME: 'Acme',
  };
  await startNext({ port, env: { ...prepared.env, ...mail }, stdio: 'inherit', foreground: true });
} catch (error) {
  console.error(`e2e server: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
}
