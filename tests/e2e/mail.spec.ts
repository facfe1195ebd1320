import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { simpleParser, type ParsedMail } from 'mailparser';
import { formatBytes } from '../../lib/format-bytes';
import { makePdf } from '../fixtures/pdf';
import { fillApplicant, uniqueEmail } from './helpers';

/** The messages the e2e server's SMTP server (scripts/e2e-server.mjs) has delivered, parsed. */
async function delivered(project: string): Promise<ParsedMail[]> {
  const folder = path.resolve(
    '.data',
    project === 's3' ? 'e2e-s3' : 'e2e',
    'smtp',
    'Maildir',
    'new',
  );
  if (!existsSync(folder)) return [];
  return Promise.all(
    readdirSync(folder).map((name) => simpleParser(readFileSync(path.join(folder, name)))),
  );
}

const addressesOf = (field: ParsedMail['to'] | ParsedMail['replyTo']) =>
  (Array.isArray(field) ? field : field ? [field] : []).flatMap((group) =>
    group.value.map((value) => value.address),
  );

// The disk project works jobs through the jobs route (as on Vercel), the S3 one with the
// in-process worker (one host, Heroku): both must deliver within 15 s of Submit.
test('after Submit, the applicant and the hiring team get their email within 15 s; the link opens the application page @mail', async ({
  page,
}, testInfo) => {
  const pdf = makePdf('Mail', 30_000);
  const email = uniqueEmail('mail');
  await page.goto('/');
  await page
    .getByLabel('Resume (PDF or Word)')
    .setInputFiles({ name: 'Zoë CV.pdf', mimeType: 'application/pdf', buffer: pdf });
  await fillApplicant(page, { first: 'Zoë', last: "O'Brien, Jr.", email });
  await expect(page.getByText('Uploaded, ready to send')).toBeVisible();
  await page.getByRole('button', { name: 'Submit application' }).click();
  await expect(page.getByRole('heading', { name: "Thanks, Zoë O'Brien, Jr.!" })).toBeVisible();
  const submitted = Date.now();

  let confirmation: ParsedMail | undefined;
  let notice: ParsedMail | undefined;
  await expect
    .poll(
      async () => {
        const messages = await delivered(testInfo.project.name);
        confirmation = messages.find((message) => addressesOf(message.to).includes(email));
        notice = messages.find((message) => addressesOf(message.replyTo).includes(email));
        return Boolean(confirmation && notice);
      },
      { timeout: 15_000, intervals: [200] },
    )
    .toBe(true);
  console.log(
    `mail e2e (${testInfo.project.name}): both messages within ${Date.now() - submitted} ms of Submit`,
  );

  expect(confirmation!.subject).toBe('Acme: we received your application');
  expect(confirmation!.to).toMatchObject({ value: [{ name: "Zoë O'Brien, Jr.", address: email }] });
  expect(confirmation!.text).toContain('Hello Zoë,');
  expect(confirmation!.text).toContain(`Zoë CV.pdf (${formatBytes(pdf.length)})`);
  expect(notice!.subject).toBe("Acme: new application from Zoë O'Brien, Jr.");
  expect(addressesOf(notice!.to)).toEqual(['hiring@acme.example']);
  expect(notice!.text).toContain(email);
  expect(notice!.text).toContain('Zoë CV.pdf');

  // The link in the applicant's message opens their application page.
  const link = /(http:\/\/127\.0\.0\.1:\d+\/applications#\S+)/.exec(confirmation!.text!)![1]!;
  await page.goto(link);
  await expect(page.getByRole('heading', { name: 'Your application' })).toBeVisible();
  await expect(page.getByRole('heading', { name: "Zoë O'Brien, Jr." })).toBeVisible();
  await expect(page.getByText('Zoë CV.pdf')).toBeVisible();
});

test('a message the SMTP server refuses for good is listed in /admin under "Email not delivered", with the reply @mail', async ({
  page,
}) => {
  // The test server refuses with 550 5.1.1 every recipient whose address starts with "reject".
  const email = uniqueEmail('reject.e2e');
  await page.goto('/');
  await page
    .getByLabel('Resume (PDF or Word)')
    .setInputFiles({ name: 'Refused.pdf', mimeType: 'application/pdf', buffer: makePdf('Refused', 20_000) });
  await fillApplicant(page, { first: 'Rita', last: 'Undelivered', email });
  await expect(page.getByText('Uploaded, ready to send')).toBeVisible();
  await page.getByRole('button', { name: 'Submit application' }).click();
  await expect(page.getByRole('heading', { name: 'Thanks, Rita Undelivered!' })).toBeVisible();

  await page.goto('/admin/login');
  await page.getByLabel('Password').fill('e2e-admin-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Applicants' })).toBeVisible();
  // Dead-lettered at the first attempt (no retries for a 550 to RCPT TO): reload until listed.
  const undelivered = page.getByTestId('undelivered-mail');
  await expect(async () => {
    await page.reload();
    await expect(undelivered.getByRole('listitem').filter({ hasText: 'Rita Undelivered' })).toHaveText(
      /^Confirmation \(Rita Undelivered\): smtp_550_5\.1\.1/,
      { timeout: 500 },
    );
  }).toPass({ timeout: 15_000, intervals: [500] });
  await expect(undelivered.getByRole('heading', { name: 'Email not delivered' })).toBeVisible();
});
