import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { errorTable } from '@/lib/contract/error-codes';
import { appError } from '@/lib/http/errors';

const readme = readFileSync(path.resolve(import.meta.dirname, '../../README.md'), 'utf8');

/** The README's "Error codes" table, as code → status. */
function documentedCodes(): Record<string, number> {
  const section = readme.split('### Error codes')[1]?.split(/\n#{2,3} /)[0] ?? '';
  const rows = [...section.matchAll(/^\| (\d{3}) \| `([a-z_]+)` \|/gm)];
  return Object.fromEntries(rows.map(([, status, code]) => [code, Number(status)]));
}

describe('error table', () => {
  it('is the README’s list of error codes, status for status', () => {
    const table = Object.fromEntries(Object.entries(errorTable).map(([code, { status }]) => [code, status]));
    expect(documentedCodes()).toEqual(table);
  });

  it('agrees with every "`status code`" the README mentions elsewhere', () => {
    const mentions = [...readme.matchAll(/`(\d{3}) ([a-z_]+)`/g)].map(([, status, code]) => ({ code: code ?? '', status: Number(status) }));
    expect(mentions.length).toBeGreaterThan(0);
    for (const { code, status } of mentions) {
      expect(errorTable).toHaveProperty(code);
      expect({ code, status: errorTable[code as keyof typeof errorTable].status }).toEqual({ code, status });
    }
  });

  it('gives a thrown code its status and default message, and lets a throw site say more', () => {
    const error = appError('not_found');
    expect({ status: error.status, message: error.message }).toEqual({ status: 404, message: 'This applicant does not exist.' });
    const specific = appError('rate_limited', { message: 'Wait 5 s.', headers: { 'Retry-After': '5' } });
    expect({ status: specific.status, message: specific.message, headers: specific.headers }).toEqual({
      status: 429,
      message: 'Wait 5 s.',
      headers: { 'Retry-After': '5' },
    });
  });
});
