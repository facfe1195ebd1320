import AxeBuilder from '@axe-core/playwright';
import { readFile } from 'node:fs/promises';
import { expect, test, type Page } from '@playwright/test';
import { unzipSync } from 'fflate';
import { makePdf } from '../fixtures/pdf';
import { fillApplicant, uniqueEmail } from './helpers';

async function expectAxeClean(page: Page, label: string) {
  const { violations } = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
    .analyze();
  expect(
    violations.map(
      (violation) =>
        `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`,
    ),
    label,
  ).toEqual([]);
}

async function apply(
  page: Page,
  person: { first: string; last: string; email: string },
  pdf: Buffer,
) {
  await page.goto('/');
  await fillApplicant(page, person);
  await page
    .getByLabel('Resume (PDF or Word)')
    .setInputFiles({ name: `${person.last}.pdf`, mimeType: 'application/pdf', buffer: pdf });
  await page.getByRole('button', { name: 'Submit application' }).click();
  await expect(
    page.getByRole('heading', { name: `Thanks, ${person.first} ${person.last}!` }),
  ).toBeVisible();
}

test('the form links to the privacy notice, which states the configured retention', async ({
  page,
}) => {
  await page.goto('/');
  await page.getByRole('link', { name: 'How we handle your data' }).click();
  await expect(
    page.getByRole('heading', { name: 'How we handle your data', level: 1 }),
  ).toBeVisible();
  await expect(page.getByText('deleted 180 days after you send it')).toBeVisible();
  await expectAxeClean(page, 'privacy notice');
});

test('an applicant withdraws from their application page, and everything is gone', async ({
  page,
}) => {
  const person = { first: 'Wanda', last: 'Withdrawn', email: uniqueEmail('withdraw') };
  const pdf = makePdf('Withdrawn', 20_000);
  await apply(page, person, pdf);
  const resumeUrl = await page.getByRole('link', { name: 'View your resume' }).getAttribute('href');
  const href = await page
    .getByRole('link', { name: 'this private link to your application' })
    .getAttribute('href');
  const token = href!.split('#')[1]!;

  // An old link, with the token in the path, lands on the same page.
  await page.goto(`/applications/${token}`);
  await expect(page).toHaveURL(new RegExp(`/applications#${token.replace(/[.]/g, '\\.')}$`));
  await expect(page.getByRole('heading', { name: 'Wanda Withdrawn' })).toBeVisible();
  await expect(page.getByText(person.email)).toBeVisible();
  await expect(page.getByText(`${person.last}.pdf`)).toBeVisible();
  await expectAxeClean(page, 'application page');

  await page.getByRole('button', { name: 'Withdraw my application' }).click();
  await expect(
    page.getByText('Withdraw and delete everything about this application?'),
  ).toBeVisible();
  await expectAxeClean(page, 'confirm step');
  await page.getByRole('button', { name: 'Keep it' }).click();
  await page.getByRole('button', { name: 'Withdraw my application' }).click();
  await page.getByRole('button', { name: 'Yes, withdraw my application' }).click();
  await expect(page.getByRole('heading', { name: 'Your application is withdrawn' })).toBeVisible();
  await expect(page.getByRole('status')).toHaveText(/have been deleted/);
  await expectAxeClean(page, 'withdrawn');

  // The resume link made before answers 404, and the page says it is gone.
  expect((await page.request.get(resumeUrl!)).status()).toBe(404);
  await page.reload();
  await expect(
    page.getByRole('heading', { name: 'This application is already gone' }),
  ).toBeVisible();
  const again = await page.request.post('/api/applications/withdraw', { data: { token } });
  expect(again.status()).toBe(410);
});

test('a recruiter downloads an applicant’s data and finds the audit entries of what they just did', async ({
  page,
}) => {
  const email = uniqueEmail('access');
  const pdf = makePdf('Access request', 30_000);
  await apply(page, { first: 'Ada', last: 'Access', email }, pdf);

  await page.goto('/admin/login');
  await page.getByLabel('Password').fill('e2e-admin-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Applicants' })).toBeVisible();
  await page.getByLabel('Search names, emails and resumes').fill(email);
  await page.getByRole('button', { name: 'Search' }).click();
  const row = page.getByTestId('applicant-row');
  await expect(row).toHaveCount(1);

  const view = await page.request.get(
    (await row.getByRole('link', { name: 'View' }).getAttribute('href'))!,
  );
  expect(view.status()).toBe(200);
  await row.getByLabel('Keep until').fill('2031-01-31');
  await row.getByRole('button', { name: 'Save' }).click();
  await expect(row.getByLabel('Keep until')).toHaveValue('2031-01-31');
  await expectAxeClean(page, 'admin list');

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    row.getByRole('link', { name: 'Download data' }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^applicant-[0-9a-f-]{36}\.zip$/);
  const files = unzipSync(new Uint8Array(await readFile((await download.path())!)));
  expect(Buffer.from(files['resume/Access.pdf']!).equals(pdf)).toBe(true);
  const data = JSON.parse(new TextDecoder().decode(files['applicant.json']));
  expect(data.applicant).toMatchObject({
    email,
    first_name: 'Ada',
    last_name: 'Access',
    keep_until: '2031-01-31',
  });
  // The list shows the first page's image once analyzed (each load is a `viewed_preview`).
  const actions = data.audit_events
    .map((event: { action: string }) => event.action)
    .filter((action: string) => action !== 'viewed_preview');
  expect(actions).toEqual(['viewed_resume', 'hold_set', 'downloaded_data']);

  await page.getByRole('link', { name: 'Audit trail' }).click();
  await expect(page.getByRole('heading', { name: 'Audit trail' })).toBeVisible();
  await page.getByLabel('Applicant id').fill(data.applicant.id);
  await page.getByRole('button', { name: 'Filter' }).click();
  const entries = page.getByTestId('audit-row');
  await expect(entries.first()).toContainText('Downloaded data');
  await expect(entries.filter({ hasText: 'Viewed resume' })).toHaveCount(1);
  await expect(entries.filter({ hasText: 'Set hold' })).toHaveCount(1);
  await expect(entries.first()).toContainText('recruiter · session');
  await page.getByLabel('Action').selectOption('hold_set');
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect(entries).toHaveCount(1);
  await expect(entries.first()).toContainText(data.applicant.id);
  await expectAxeClean(page, 'audit trail');
});
