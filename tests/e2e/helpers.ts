import type { Page } from '@playwright/test';

export function uniqueEmail(label: string): string {
  return `${label}.${Date.now()}.${Math.random().toString(36).slice(2, 8)}@example.com`;
}

/** Records every status message and progress value the page shows, so fast phases are not missed. */
export async function recordProgress(page: Page): Promise<void> {
  await page.evaluate(() => {
    const seen = { status: [] as string[], hash: [] as number[], upload: [] as number[] };
    (window as unknown as { __seen: typeof seen }).__seen = seen;
    const sample = () => {
      const status = document.querySelector('[data-testid=status]')?.textContent ?? '';
      if (status && seen.status.at(-1) !== status) seen.status.push(status);
      const hash = document.querySelector<HTMLProgressElement>('#hash-progress')?.value;
      const upload = document.querySelector<HTMLProgressElement>('#upload-progress')?.value;
      if (hash !== undefined && seen.hash.at(-1) !== hash) seen.hash.push(hash);
      if (upload !== undefined && seen.upload.at(-1) !== upload) seen.upload.push(upload);
    };
    new MutationObserver(sample).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
  });
}

export async function seenProgress(page: Page) {
  return page.evaluate(() => (window as unknown as { __seen: { status: string[]; hash: number[]; upload: number[] } }).__seen);
}

export async function fillApplicant(page: Page, person: { first: string; last: string; email: string }) {
  await page.getByLabel('First name').fill(person.first);
  await page.getByLabel('Last name').fill(person.last);
  await page.getByLabel('Email').fill(person.email);
}
