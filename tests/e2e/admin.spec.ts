import { expect, test, type Page } from '@playwright/test';
import { formatBytes } from '@/lib/format-bytes';
import { makePdf } from '../fixtures/pdf';
import { fillApplicant, uniqueEmail } from './helpers';

async function apply(page: Page, person: { first: string; last: string; email: string }, pdf: Buffer) {
  await page.goto('/');
  await fillApplicant(page, person);
  await page.getByLabel('Resume (PDF or Word)').setInputFiles({ name: `${person.last}.pdf`, mimeType: 'application/pdf', buffer: pdf });
  await page.getByRole('button', { name: 'Submit application' }).click();
  await expect(page.getByRole('heading', { name: `Thanks, ${person.first} ${person.last}!` })).toBeVisible();
}

test('without signing in, every admin page and admin API is refused', async ({ page }) => {
  await page.goto('/admin');
  await expect(page).toHaveURL(/\/admin\/login$/);
  await expect(page.getByRole('heading', { name: 'Recruiter sign-in' })).toBeVisible();
  const id = '00000000-0000-4000-8000-000000000000';
  expect((await page.request.get(`/api/admin/applicants/${id}/resume`, { maxRedirects: 0 })).status()).toBe(401);
  expect((await page.request.delete(`/api/admin/applicants/${id}`)).status()).toBe(401);
  // A forged session (alg: none) is no better than none.
  await page.setExtraHTTPHeaders({ Cookie: '__Host-rd_admin=eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.' });
  await page.goto('/admin');
  await expect(page).toHaveURL(/\/admin\/login$/);
});

test('an applicant sees their application again only through their signed link', async ({ page }) => {
  const person = { first: 'Signed', last: 'Link', email: uniqueEmail('signed') };
  await apply(page, person, makePdf('Signed link'));
  const link = page.getByRole('link', { name: 'this private link to your application' });
  const href = await link.getAttribute('href');
  // The token is in the fragment: no request line, log or proxy sees it.
  expect(href).toMatch(/^\/applications#[\w-]+\.[\w-]+\.[\w-]+$/);
  await link.click();
  await expect(page.getByRole('heading', { name: 'Signed Link' })).toBeVisible();
  await expect(page.getByText(person.email, { exact: false })).toBeVisible();

  await page.goto(`${href!.slice(0, -3)}xyz`);
  await expect(page.getByText('This link to an application is not valid.')).toBeVisible();
  await expect(page.getByText(person.email, { exact: false })).toHaveCount(0);
});

test('a recruiter signs in, finds an applicant, opens the resume and deletes the applicant', async ({ page }) => {
  const email = uniqueEmail('recruited');
  const pdf = makePdf('Recruited', 100_000);
  await apply(page, { first: 'Grace', last: 'Recruited', email }, pdf);

  await page.goto('/admin/login');
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  // The alert inside the sign-in form: Next's route announcer is an alert too, outside it.
  const signIn = page.locator('form').filter({ has: page.getByLabel('Password') });
  await expect(signIn.getByRole('alert')).toHaveText('That password is not right.');
  await page.getByLabel('Password').fill('e2e-admin-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Applicants' })).toBeVisible();
  // Production: Secure with the __Host- prefix, even on this plain-http loopback address.
  const cookie = (await page.context().cookies()).find((entry) => entry.name === '__Host-rd_admin');
  expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', secure: true, path: '/' });

  await page.getByLabel('Search names, emails and resumes').fill(email);
  await page.getByRole('button', { name: 'Search' }).click();
  const rows = page.getByTestId('applicant-row');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('Grace Recruited');
  await expect(rows.first()).toContainText(`Recruited.pdf · ${formatBytes(pdf.length)}`);
  // No signed storage URL sits in the page: "View" makes one when clicked.
  expect(await page.content()).not.toContain('/api/storage/disk/');
  expect(await page.content()).not.toContain('X-Amz-Signature');

  const view = rows.first().getByRole('link', { name: 'View' });
  const resume = await page.request.get((await view.getAttribute('href'))!);
  expect(resume.status()).toBe(200);
  expect(resume.headers()['content-type']).toBe('application/pdf');
  expect(Buffer.from(await resume.body()).equals(pdf)).toBe(true);
  const storageUrl = resume.url();

  page.once('dialog', (dialog) => dialog.accept());
  await rows.first().getByRole('button', { name: 'Delete applicant' }).click();
  await expect(page.getByText('No applicants match this search.')).toBeVisible();
  // The object is gone from storage too.
  expect((await page.request.get(storageUrl)).status()).toBe(404);

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/admin\/login$/);
  await page.goto('/admin');
  await expect(page).toHaveURL(/\/admin\/login$/);
});

test('odd list parameters are clamped, never a 500: a page too large, a search given twice', async ({ page }) => {
  await page.goto('/admin/login');
  await page.getByLabel('Password').fill('e2e-admin-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Applicants' })).toBeVisible();

  const huge = await page.goto('/admin?page=99999999999999999999');
  expect(huge?.status()).toBe(200);
  await expect(page.getByRole('heading', { name: 'Applicants' })).toBeVisible();
  const twice = await page.goto('/admin?q=a&q=b');
  expect(twice?.status()).toBe(200);
  await expect(page.getByLabel('Search names, emails and resumes')).toHaveValue('a');
  const csv = await page.request.get('/api/admin/applicants/export?q=a&q=b');
  expect(csv.status()).toBe(200);
});
