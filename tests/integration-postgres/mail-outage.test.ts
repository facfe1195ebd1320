import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resetEnv } from '@/lib/env';
import { setJobsRole, stopBoss } from '@/lib/jobs/boss';
import { startWorkers } from '@/lib/jobs/worker';
import type { SmtpServer } from '@/scripts/harness/smtp.mjs';
import { makePdf } from '../fixtures/pdf';
import { applyWithResume } from '../support/api';
import { receivedMail, startMailServer } from '../support/mail';

const outageMs = 120_000;
const deliveryDeadlineMs = 180_000;

let server: SmtpServer;
const saved = { ...process.env };

beforeAll(async () => {
  server = await startMailServer();
  // The in-process worker, as `next start` runs it: retries come from the queue's own backoff.
  await setJobsRole('worker');
  await startWorkers();
});

afterAll(async () => {
  await stopBoss();
  await setJobsRole('sender');
  await server.close();
  process.env = saved;
  resetEnv();
});

describe('the SMTP server stopped for 2 minutes while 20 applications arrive', () => {
  it("answers every application as usual, then delivers every message within 3 minutes of the server's return, none twice", async () => {
    const pdf = makePdf('Outage', 5_000);
    await server.pause();
    const stopped = Date.now();
    const statuses: number[] = [];
    for (let index = 0; index < 20; index += 1) {
      // One every 5 s over the first 100 s, so that the jobs meet the outage at every stage of
      // their backoff, and the outage lasts 2 minutes however long each request takes.
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, stopped + index * 5_000 - Date.now())));
      const started = Date.now();
      const result = await applyWithResume(pdf, {
        email: `applicant${index}@example.com`,
        first_name: `Applicant${index}`,
        last_name: 'Waiting',
      });
      statuses.push(result.status);
      expect(Date.now() - started).toBeLessThan(5_000);
    }
    expect(statuses).toEqual(Array(20).fill(200));
    expect(server.messages()).toHaveLength(0);
    await new Promise((resolve) =>
      setTimeout(resolve, Math.max(0, outageMs - (Date.now() - stopped))),
    );
    await server.resume();
    const back = Date.now();

    while (server.messages().length < 40 && Date.now() - back < deliveryDeadlineMs)
      await new Promise((resolve) => setTimeout(resolve, 500));
    const deliveredWithin = Date.now() - back;
    // Anything sent twice would arrive in the seconds that follow.
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    const messages = await receivedMail(server);
    expect(messages).toHaveLength(40);
    expect(deliveredWithin).toBeLessThan(deliveryDeadlineMs);
    expect(new Set(messages.map((message) => message.messageId)).size).toBe(40);
    for (let index = 0; index < 20; index += 1) {
      expect(
        messages.filter((message) => message.rcptTo.includes(`applicant${index}@example.com`)),
      ).toHaveLength(1);
    }
    console.log(
      `mail outage: all 40 messages delivered ${Math.round(deliveredWithin / 1000)} s after the SMTP server came back`,
    );
  }, 400_000);
});
