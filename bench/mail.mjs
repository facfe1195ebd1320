// 7. Mail (issue 21), with a real SMTP server (aiosmtpd, scripts/harness/smtp.mjs) and disk +
// Postgres. (a) POST /api/users server CPU per request with mail on (SMTP_URL: the confirmation
// and the recruiters' notice queued in the applicant's transaction) and off (production without
// SMTP_URL), two servers in one run, measured in alternating batches so that both see the same
// machine; neither runs a worker (JOBS_IN_PROCESS=false), so the figure is the request's own cost.
// (b) Submit → the applicant's message in the SMTP server's Maildir, with the in-process worker
// (the default on one host): POST /api/users sent → the message file appears; p50 and p99.
import { readFileSync } from 'node:fs';
import { startSmtpServer } from '../scripts/harness/smtp.mjs';
import { presign, startApp } from './lib/app.mjs';
import { cpuSeconds, log, makePdfFile, nativeMd5, sleep } from './lib/common.mjs';

const mailSettings = (smtp, recruiters) => ({
  SMTP_URL: smtp.url,
  MAIL_FROM: 'Hiring at Bench <jobs@bench.example>',
  ...(recruiters ? { RECRUITER_EMAILS: 'hiring@bench.example,lead@bench.example' } : {}),
});

let sequence = 0;

/** An uploaded resume's token, ready for POST /api/users (presign + PUT, not measured). */
async function uploaded(app, bytes, checksum) {
  const upload = await presign(app.url, { byteSize: bytes.length, checksum });
  const put = await fetch(upload.direct_upload.url, { method: 'PUT', headers: upload.direct_upload.headers, body: bytes });
  if (put.status !== 200) throw new Error(`PUT failed: ${put.status}`);
  return upload.blob_signed_id;
}

async function apply(app, token) {
  sequence += 1;
  const response = await fetch(`${app.url}/api/users`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: `bench.mail.${process.pid}.${sequence}@example.com`, first_name: 'Bench', last_name: `Mail${sequence}`, pdf: token }),
  });
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`POST /api/users answered ${response.status}`);
}

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};

export async function runMail({
  requests = Number(process.env.BENCH_MAIL_REQUESTS ?? 200),
  batch = 20,
  deliveries = Number(process.env.BENCH_MAIL_DELIVERIES ?? 60),
} = {}) {
  const file = await makePdfFile(20_000);
  const bytes = readFileSync(file);
  const { checksum } = await nativeMd5(file);
  const smtp = await startSmtpServer();
  const result = { requests, deliveries };
  try {
    // (a) CPU per POST /api/users, mail on against off.
    const apps = {
      off: await startApp({ storage: 'disk-postgres', port: 3420, label: 'mail-off', extraEnv: { JOBS_IN_PROCESS: 'false' } }),
      on: await startApp({ storage: 'disk-postgres', port: 3421, label: 'mail-on', extraEnv: { JOBS_IN_PROCESS: 'false', ...mailSettings(smtp, true) } }),
    };
    try {
      const cpu = { off: 0, on: 0 };
      // Warm-up: the first requests compile and open pools.
      for (const app of Object.values(apps)) for (let i = 0; i < 10; i += 1) await apply(app, await uploaded(app, bytes, checksum));
      for (let done = 0; done < requests; done += batch) {
        for (const name of done % (2 * batch) === 0 ? ['off', 'on'] : ['on', 'off']) {
          const app = apps[name];
          const tokens = [];
          for (let i = 0; i < batch; i += 1) tokens.push(await uploaded(app, bytes, checksum));
          const before = cpuSeconds(app.pid);
          for (const token of tokens) await apply(app, token);
          cpu[name] += cpuSeconds(app.pid) - before;
        }
      }
      result.cpuMsPerRequest = { off: (cpu.off * 1000) / requests, on: (cpu.on * 1000) / requests };
      result.cpuMsAdded = result.cpuMsPerRequest.on - result.cpuMsPerRequest.off;
      log(`mail: POST /api/users CPU ms/request off ${result.cpuMsPerRequest.off.toFixed(2)}, on ${result.cpuMsPerRequest.on.toFixed(2)}`);
    } finally {
      await apps.off.stop();
      await apps.on.stop();
    }

    // (b) Submit → the applicant's message delivered, in-process worker.
    const app = await startApp({ storage: 'disk-postgres', port: 3422, label: 'mail-deliver', extraEnv: { JOBS_IN_PROCESS: 'true', ...mailSettings(smtp, false) } });
    try {
      // The worker starts 2 s after the server; the first delivery waits for it, not measured.
      await apply(app, await uploaded(app, bytes, checksum));
      for (let waited = 0; smtp.messages().length === 0 && waited < 30_000; waited += 50) await sleep(50);
      const latencies = [];
      for (let i = 0; i < deliveries; i += 1) {
        const token = await uploaded(app, bytes, checksum);
        const before = smtp.messages().length;
        const started = performance.now();
        await apply(app, token);
        while (smtp.messages().length === before) {
          if (performance.now() - started > 60_000) throw new Error('no message within 60 s');
          await sleep(10);
        }
        latencies.push(performance.now() - started);
        await sleep(250);
      }
      result.deliveryMs = { p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: Math.max(...latencies) };
      log(`mail: Submit → message p50 ${result.deliveryMs.p50.toFixed(0)} ms, p99 ${result.deliveryMs.p99.toFixed(0)} ms`);
    } finally {
      await app.stop();
    }
  } finally {
    await smtp.close();
  }
  return result;
}
