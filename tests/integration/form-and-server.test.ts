import { beforeAll, describe, expect, it } from 'vitest';
import { resetEnv } from '@/lib/env';
import { validateApplicantFields, type ApplicantFields } from '@/lib/contract/applicant-fields';
import { errorTable } from '@/lib/contract/error-codes';
import { createUser } from '../support/api';

// These tests also send applications without a resume: the tutorial's optional `pdf`.
beforeAll(() => {
  process.env.RESUME_REQUIRED = 'false';
  resetEnv();
});

const valid: ApplicantFields = { first_name: 'Ada', last_name: 'Lovelace', email: 'ada@example.com' };

// Each case differs from a valid application in one or two fields; the unique emails keep the
// accepted ones from colliding with each other.
const cases: [string, Partial<ApplicantFields>][] = [
  ['a valid application', {}],
  ['surrounding spaces', { first_name: '  Ada ', email: ' grace@example.com ' }],
  ['an empty first name', { first_name: '' }],
  ['a first name of spaces', { first_name: '   ' }],
  ['an empty last name', { last_name: '' }],
  ['a last name of 101 characters', { last_name: 'x'.repeat(101) }],
  ['a last name of 100 characters', { last_name: 'x'.repeat(100), email: 'long@example.com' }],
  ['a name with a control character', { first_name: 'Ada\u0007' }],
  ['a name with a newline', { last_name: 'Love\nlace' }],
  ['a name that is only format characters', { first_name: '\u200b\u202e' }],
  ['a name with a bidirectional override', { first_name: 'A\u202Eda', email: 'bidi@example.com' }],
  ['an empty email', { email: '' }],
  ['an email of spaces', { email: '   ' }],
  ['an email without @', { email: 'ada.example.com' }],
  ['an email without a domain dot', { email: 'ada@example' }],
  ['an email with two @', { email: 'ada@@example.com' }],
  ['an email with a space inside', { email: 'ada lovelace@example.com' }],
  ['an email of 255 characters', { email: `${'a'.repeat(243)}@example.com` }],
  ['an email with a quoted local part', { email: '"ada"@example.com' }],
  ['everything empty', { first_name: '', last_name: '', email: '' }],
];

describe('the form and the server', () => {
  it.each(cases)('refuse or accept alike, with the same messages: %s', async (_case, change) => {
    const values = { ...valid, ...change };
    const browser = validateApplicantFields(values);
    const server = await createUser({ ...values, pdf: null });
    if (browser.fields === null) {
      expect(server.status).toBe(200);
      expect({ first_name: server.body.first_name, last_name: server.body.last_name, email: server.body.email }).toEqual(browser.data);
    } else {
      expect(server.status).toBe(422);
      expect(server.body.error).toEqual({ code: 'validation_failed', message: errorTable.validation_failed.message, fields: browser.fields });
    }
  });
});
