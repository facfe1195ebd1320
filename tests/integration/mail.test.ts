import { readdir, readFile } from 'node:fs/promises';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { simpleParser } from 'mailparser';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { GET as healthRoute } from '@/app/api/health/route';
import { getDb } from '@/lib/database';
import { formatBytes } from '@/lib/format-bytes';
import { resetEnv } from '@/lib/env';
import { getJobsStatus } from '@/lib/jobs/status';
import { queueRecruiterDigestJob } from '@/lib/jobs/queue-recruiter-digest';
import { getBoss } from '@/lib/jobs/boss';
import { lastFailureOf } from '@/lib/jobs/run-job';
import { sendJob } from '@/lib/jobs/send-job';
import { workJobs } from '@/lib/jobs/work-jobs';
import { listUndeliveredMail } from '@/lib/mail/undelivered-mail';
import { startServer } from '@/lib/startup';
import { verifyConfirmationToken } from '@/lib/users/confirmation-link';
import type { SmtpServer } from '@/scripts/harness/smtp.mjs';
import { makePdf } from '../fixtures/pdf';
import { applyWithResume, createUser, origin } from '../support/api';
import { runQueuedJobs } from '../support/jobs';
import {
  mailFrom,
  mailTo,
  receivedMail,
  recruiters,
  startMailServer,
  waitForMail,
} from '../support/mail';

const pdf = makePdf('Ada Lovelace', 20_000);
const ada = { email: 'ada@example.com', first_name: 'Ada', last_name: 'Lovelace' };

let server: SmtpServer;
let saved: NodeJS.ProcessEnv;

beforeAll(async () => {
  saved = { ...process.env };
  server = await startMailServer();
});

afterEach(() => {
  process.env = {
    ...saved,
    SMTP_URL: server.url,
    MAIL_FROM: mailFrom,
    RECRUITER_EMAILS: recruiters.join(', '),
    RECRUITER_NOTICE: 'each',
    ORG_NAME: 'Acme',
  };
  resetEnv();
});

afterAll(async () => {
  await server.close();
  process.env = saved;
  resetEnv();
});

const mailJobs = async () => (await getJobsStatus()).find((queue) => queue.queue === 'send-mail')!;

describe('email after an application', () => {
  it('sends the applicant a confirmation and the recruiters a notice, each with an HTML and a text part', async () => {
    const before = server.messages().length;
    const result = await applyWithResume(pdf, ada, 'Ada CV.pdf');
    expect(result.status).toBe(200);
    expect((await mailJobs()).waiting).toBe(2);
    await runQueuedJobs();
    const messages = (await receivedMail(server)).slice(before);
    expect(messages).toHaveLength(2);

    const [confirmation] = mailTo(messages, 'ada@example.com');
    expect(confirmation!.rcptTo).toEqual(['ada@example.com']);
    expect(confirmation!.from!.value).toEqual([
      { name: 'Hiring at Acme', address: 'jobs@acme.example' },
    ]);
    expect(confirmation!.to).toMatchObject({
      value: [{ name: 'Ada Lovelace', address: 'ada@example.com' }],
    });
    expect(confirmation!.subject).toBe('Acme: we received your application');
    expect(confirmation!.messageId).toBe(`<applicant-confirmation.${result.body.id}@acme.example>`);
    for (const body of [confirmation!.text!, confirmation!.html as string]) {
      expect(body).toContain('Hello Ada,');
      expect(body).toContain('Ada CV.pdf');
      expect(body).toContain(`(${formatBytes(pdf.length)})`);
      expect(body).toMatch(/on \d{1,2} \w+ \d{4} at \d{2}:\d{2} UTC/);
      expect(body).toContain('Acme');
    }
    // The link opens the applicant's own page: a token signed for them.
    const link = /(http:\/\/app\.test\/applications#[\w.-]+)/.exec(confirmation!.text!)![1]!;
    expect(confirmation!.html).toContain(`href="${link}"`);
    expect(await verifyConfirmationToken(link.slice(`${origin}/applications#`.length))).toBe(
      result.body.id,
    );

    const [notice] = mailTo(messages, recruiters[0]!);
    expect(notice!.rcptTo).toEqual(recruiters);
    expect(notice!.subject).toBe('Acme: new application from Ada Lovelace');
    expect(notice!.replyTo).toMatchObject({
      value: [{ name: 'Ada Lovelace', address: 'ada@example.com' }],
    });
    for (const body of [notice!.text!, notice!.html as string]) {
      expect(body).toContain('Ada Lovelace');
      expect(body).toContain('ada@example.com');
      expect(body).toContain('Ada CV.pdf');
    }
    expect(notice!.text).toContain('http://app.test/admin?q=ada%40example.com');

    // Worked again, the queue sends nothing twice.
    await runQueuedJobs();
    expect(server.messages().length - before).toBe(2);
  });

  it('escapes what the applicant typed in the HTML part', async () => {
    const before = server.messages().length;
    const result = await applyWithResume(
      pdf,
      { email: 'x@example.com', first_name: '<b>Bo</b>', last_name: '"&"' },
      '<img src=x>.pdf',
    );
    expect(result.status).toBe(200);
    await runQueuedJobs();
    const messages = (await receivedMail(server)).slice(before);
    for (const message of messages) {
      expect(message.html).not.toContain('<b>Bo</b>');
      expect(message.html).not.toContain('<img src=x>');
      expect(message.html).toContain('&lt;b&gt;Bo&lt;/b&gt;');
    }
    expect(mailTo(messages, 'x@example.com')[0]!.text).toContain('Hello <b>Bo</b>,');
  });

  it('encodes names with quotes, commas, apostrophes, emoji and right-to-left script, and delivers to +tag addresses at internationalized domains', async () => {
    const before = server.messages().length;
    const people = [
      { email: 'zoe@example.com', first_name: 'Zoë', last_name: "O'Brien, Jr." },
      { email: 'first.last+jobs@bücher.example', first_name: 'שרה', last_name: 'כהן "ש"' },
      { email: 'emoji@example.com', first_name: '😀'.repeat(100), last_name: '🎉'.repeat(100) },
    ];
    for (const person of people) expect((await applyWithResume(pdf, person)).status).toBe(200);
    await runQueuedJobs();
    const messages = (await receivedMail(server)).slice(before);
    expect(messages).toHaveLength(6);
    for (const person of people) {
      const name = `${person.first_name} ${person.last_name}`;
      const envelope = person.email.replace('bücher', 'xn--bcher-kva');
      const [confirmation] = mailTo(messages, envelope);
      expect(confirmation, person.email).toBeDefined();
      // mailparser shows the domain as typed; on the wire it is in its ASCII form.
      expect(confirmation!.to).toMatchObject({ value: [{ name, address: person.email }] });
      expect(confirmation!.raw).toContain(`<${envelope}>`);
      expect(confirmation!.text).toContain(`Hello ${person.first_name},`);
      const notice = messages.find(
        (message) => message.replyTo?.value[0]?.address === person.email,
      )!;
      expect(notice.subject).toBe(`Acme: new application from ${name}`);
      expect(notice.replyTo!.value).toEqual([{ name, address: person.email }]);
    }
    // Headers are 7-bit (encoded words): any server and client reads them.
    for (const message of messages) {
      const headers = message.raw.slice(0, message.raw.indexOf('\r\n\r\n'));
      expect(headers).toMatch(/^[\x20-\x7e\r\n\t]*$/);
    }
  });

  it('dead-letters at once a message whose recipient the server refuses with 550, with the reply, and delivers the others', async () => {
    const before = server.messages().length;
    const refused = await applyWithResume(pdf, {
      email: 'reject.me@example.com',
      first_name: 'Rita',
      last_name: 'Refused',
    });
    const accepted = await applyWithResume(pdf, {
      email: 'bob@example.com',
      first_name: 'Bob',
      last_name: 'Fine',
    });
    expect([refused.status, accepted.status]).toEqual([200, 200]);
    await runQueuedJobs();
    const messages = (await receivedMail(server)).slice(before);
    expect(messages.map((message) => message.rcptTo.join(',')).sort()).toEqual([
      'bob@example.com',
      recruiters.join(','),
      recruiters.join(','),
    ]);
    const status = await mailJobs();
    expect(status).toMatchObject({ waiting: 0, deadLettered: 1 });
    expect(await listUndeliveredMail()).toEqual([
      {
        kind: 'applicant-confirmation',
        applicant: 'Rita Refused',
        reason: 'smtp_550_5.1.1',
        failedAt: expect.any(Date),
      },
    ]);
  });

  it('retries when the server is down, and delivers once it is back', async () => {
    await server.pause();
    try {
      expect((await applyWithResume(pdf, ada)).status).toBe(200);
      await runQueuedJobs();
      expect(await mailJobs()).toMatchObject({ waiting: 2, deadLettered: 0 });
      const db = await getDb();
      // The retries' backoff, shortened: the next attempt is due now.
      await db.execute(sql`update pgboss.job set start_after = now() where name = 'send-mail'`);
    } finally {
      await server.resume();
    }
    const before = server.messages().length;
    await runQueuedJobs();
    expect(server.messages().length - before).toBe(2);
  });

  it('gives up an attempt on a server that accepts the connection and never answers, and retries it', async () => {
    // A hung server: the TCP connection opens, the SMTP greeting never comes.
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      process.env.SMTP_URL = `smtp://127.0.0.1:${(silent.address() as AddressInfo).port}`;
      resetEnv();
      expect((await applyWithResume(pdf, ada)).status).toBe(200);
      // No attempt starts after 15 s: each of the two messages is tried once, and each attempt
      // ends within 10 s (nodemailer waits for the greeting no longer than the greeting and the
      // connection timeouts allow; both are 10 s), not on the job's timeout (120 s).
      const attempt = await workJobs({ budgetMs: 15_000 });
      expect(attempt.failed).toBe(2);
      const boss = await getBoss();
      const failures = (await boss.findJobs('send-mail')).map((job) => lastFailureOf(job.output));
      expect(failures).toEqual(['smtp_etimedout', 'smtp_etimedout']);
      expect(await mailJobs()).toMatchObject({ waiting: 2, deadLettered: 0 });
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
    process.env.SMTP_URL = server.url;
    resetEnv();
    const db = await getDb();
    await db.execute(sql`update pgboss.job set start_after = now() where name = 'send-mail'`);
    const before = server.messages().length;
    await runQueuedJobs();
    expect(server.messages().length - before).toBe(2);
  }, 60_000);

  it('requires STARTTLS with a certificate trusted through SMTP_CA_FILE', async () => {
    const tls = await startMailServer({ tls: true });
    try {
      expect((await applyWithResume(pdf, ada)).status).toBe(200);
      await runQueuedJobs();
      expect(await waitForMail(tls, 2, 1000)).toHaveLength(2);
      // Without the certificate trusted, nothing is sent in clear: the attempt fails and is retried.
      delete process.env.SMTP_CA_FILE;
      resetEnv();
      expect((await applyWithResume(pdf, { ...ada, email: 'ada2@example.com' })).status).toBe(200);
      const result = await runQueuedJobs();
      expect(result.failed).toBeGreaterThan(0);
      expect(tls.messages()).toHaveLength(2);
    } finally {
      await tls.close();
    }
  });

  it("queues the emails in the applicant's transaction: a refused application queues none", async () => {
    expect((await applyWithResume(pdf, ada)).status).toBe(200);
    expect((await applyWithResume(pdf, { ...ada, email: 'ADA@example.com' })).status).toBe(409);
    expect((await mailJobs()).waiting).toBe(2);
  });

  it('sends the recruiters nothing with RECRUITER_NOTICE=off, and the applicant their confirmation still', async () => {
    process.env.RECRUITER_NOTICE = 'off';
    resetEnv();
    const before = server.messages().length;
    expect((await applyWithResume(pdf, ada)).status).toBe(200);
    await runQueuedJobs();
    const messages = (await receivedMail(server)).slice(before);
    expect(messages.map((message) => message.rcptTo)).toEqual([['ada@example.com']]);
  });

  it('sends the recruiters one hourly digest instead of a notice each with RECRUITER_NOTICE=hourly', async () => {
    process.env.RECRUITER_NOTICE = 'hourly';
    process.env.APP_URL = origin;
    resetEnv();
    const before = server.messages().length;
    for (const person of [
      ada,
      { email: 'bob@example.com', first_name: 'Bob', last_name: 'Fine' },
    ]) {
      expect((await applyWithResume(pdf, person)).status).toBe(200);
    }
    await runQueuedJobs();
    expect(server.messages().length - before).toBe(2);
    const db = await getDb();
    await db.execute(
      sql`update users set created_at = date_trunc('hour', now()) - interval '30 minutes'`,
    );
    await sendJob(queueRecruiterDigestJob, {});
    await runQueuedJobs();
    const digests = mailTo((await receivedMail(server)).slice(before), recruiters[0]!);
    expect(digests).toHaveLength(1);
    expect(digests[0]!.subject).toBe('Acme: 2 new applications');
    expect(digests[0]!.text).toContain('Ada Lovelace <ada@example.com>');
    expect(digests[0]!.text).toContain('Bob Fine <bob@example.com>');
    expect(digests[0]!.text).toContain(`${origin}/admin`);
  });
});

describe('without SMTP_URL', () => {
  it('writes each message as an .eml file under MAIL_DIR', async () => {
    delete process.env.SMTP_URL;
    delete process.env.MAIL_FROM;
    resetEnv();
    const result = await applyWithResume(pdf, ada);
    await runQueuedJobs();
    const dir = process.env.MAIL_DIR!;
    const file = path.join(dir, `applicant-confirmation.${result.body.id}.eml`);
    const parsed = await simpleParser(await readFile(file));
    expect(parsed.subject).toBe('Acme: we received your application');
    expect(parsed.from!.value).toEqual([{ name: 'Acme', address: 'no-reply@localhost' }]);
    expect((await readdir(dir)).filter((name) => name.includes(result.body.id))).toHaveLength(2);
  });
});

describe('in production without SMTP_URL', () => {
  it('starts, says once that mail is off, queues no email, and the deep health check says so', async () => {
    delete process.env.SMTP_URL;
    Object.assign(process.env, {
      NODE_ENV: 'production',
      APP_URL: origin,
      TRUSTED_PROXY_HOPS: '1',
      CRON_SECRET: 'cron-secret-for-tests-0123456789',
    });
    resetEnv();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      await startServer();
      expect(warn.mock.calls.flat().filter((line) => /^mail: off/.test(String(line)))).toHaveLength(
        1,
      );
    } finally {
      warn.mockRestore();
    }
    expect((await applyWithResume(pdf, ada)).status).toBe(200);
    expect(await mailJobs()).toMatchObject({ waiting: 0 });
    const response = await healthRoute(
      new Request(`${origin}/api/health?deep=1`, {
        headers: { Authorization: 'Bearer cron-secret-for-tests-0123456789' },
      }),
      {
        params: Promise.resolve({}),
      },
    );
    expect((await response.json()).mail).toBe('off');
  });
});

describe('the resume', () => {
  it('is required by default: without pdf, 422 resume_required, whether or not the address has applied', async () => {
    expect((await applyWithResume(pdf, ada)).status).toBe(200);
    for (const email of ['ada@example.com', 'new@example.com']) {
      const result = await createUser({ ...ada, email });
      expect(result.status).toBe(422);
      expect(result.body.error).toMatchObject({
        code: 'resume_required',
        fields: { pdf: expect.any(String) },
      });
    }
  });

  it('is optional with RESUME_REQUIRED=false, and the applicant without one is told by email too', async () => {
    process.env.RESUME_REQUIRED = 'false';
    resetEnv();
    const before = server.messages().length;
    const result = await createUser(ada);
    expect(result.status).toBe(200);
    await runQueuedJobs();
    const [confirmation] = mailTo((await receivedMail(server)).slice(before), 'ada@example.com');
    expect(confirmation!.text).toContain('Resume: none');
  });
});
