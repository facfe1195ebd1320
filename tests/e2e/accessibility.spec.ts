import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { makePdf } from '../fixtures/pdf';
import { fillApplicant, isStorageUrl, throttleUploads, uniqueEmail } from './helpers';

async function expectNoViolations(page: Page, state: string) {
  await expect(page.getByTestId('dropzone')).toHaveAttribute('data-state', state);
  const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  expect(violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`), state).toEqual([]);
}

test('the form passes axe-core while idle, uploading, ready and after an upload error', async ({ page }) => {
  await page.goto('/');
  await expectNoViolations(page, 'idle');

  await fillApplicant(page, { first: 'Axe', last: 'Core', email: uniqueEmail('axe') });
  const cdp = await throttleUploads(page, 128 * 1024);
  await page.getByLabel('Resume (PDF or Word)').setInputFiles({ name: 'axe.pdf', mimeType: 'application/pdf', buffer: makePdf('Axe', 2 * 1024 * 1024) });
  await expect(page.locator('#resume-progress')).toBeVisible();
  await expectNoViolations(page, 'uploading');

  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  await expect(page.getByText('Uploaded, ready to send')).toBeVisible();
  await expectNoViolations(page, 'ready');

  await page.route(isStorageUrl, (route) => (route.request().method() === 'PUT' ? route.abort('connectionreset') : route.continue()));
  await page.getByLabel('Resume (PDF or Word)').setInputFiles({ name: 'broken.pdf', mimeType: 'application/pdf', buffer: makePdf('Broken') });
  await expect(page.getByRole('button', { name: 'Try again' })).toBeVisible();
  await expectNoViolations(page, 'error');
});
