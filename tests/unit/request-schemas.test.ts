import { describe, expect, it } from 'vitest';
import { applicantRequestSchema } from '@/lib/contract/applicant';
import { z } from 'zod';
import { emailPattern } from '@/lib/contract/applicant-fields';
import { directUploadRequestSchema } from '@/lib/contract/direct-upload';

const file = {
  filename: 'resume.pdf',
  byte_size: 67969,
  checksum: 'VtVrTvbyW7L2DOsRBsh0UQ==',
  content_type: 'application/pdf',
  metadata: { message: 'resume for parsing' },
};

describe('direct upload request', () => {
  it("accepts the tutorial's body", () => {
    expect(directUploadRequestSchema.parse({ file })).toEqual({ file });
  });

  it.each([
    ['a checksum with + and /', 'ab+/cdefghijklmnopqrsA==', true],
    ['a hex checksum', '56d56b4ef6f25bb2f60ceb1106c87451', false],
    ['a checksum of 17 bytes', 'VtVrTvbyW7L2DOsRBsh0UQA=', false],
    ['a checksum with impossible trailing bits', 'VtVrTvbyW7L2DOsRBsh0UR==', false],
  ])('checks the checksum: %s', (_case, checksum, valid) => {
    expect(directUploadRequestSchema.safeParse({ file: { ...file, checksum } }).success).toBe(valid);
  });

  it.each([
    ['unknown keys in file', { file: { ...file, key: 'x' } }],
    ['unknown keys at the top', { file, state: 'attached' }],
    ['a size given as a string', { file: { ...file, byte_size: '67969' } }],
    ['non-string metadata values', { file: { ...file, metadata: { nested: { a: 1 } } } }],
    ['more than 10 metadata entries', { file: { ...file, metadata: Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, 'v'])) } }],
    ['a missing filename', { file: { ...file, filename: undefined } }],
  ])('refuses %s', (_case, body) => {
    expect(directUploadRequestSchema.safeParse(body).success).toBe(false);
  });
});

describe('applicant request', () => {
  const valid = { email: 'ada@example.com', first_name: 'Ada', last_name: 'Lovelace', pdf: 'token' };

  it('accepts the tutorial body, trimmed, with or without pdf', () => {
    expect(applicantRequestSchema.parse({ ...valid, email: ' ada@example.com ' })).toEqual(valid);
    expect(applicantRequestSchema.parse({ ...valid, pdf: null }).pdf).toBeNull();
    expect(applicantRequestSchema.safeParse({ email: valid.email, first_name: 'A', last_name: 'B' }).success).toBe(true);
  });

  it('accepts +tags and internationalized domains, and refuses what is not an address', () => {
    for (const email of ['first.last+jobs@bücher.example', 'ada@xn--bcher-kva.example', 'o\'brien@example.co.uk']) {
      expect(applicantRequestSchema.safeParse({ ...valid, email }).success, email).toBe(true);
    }
    for (const email of ['ada@bücher', 'a da@example.com', 'ada@exa mple.com', '@example.com', 'ada@@example.com', 'ada@-x.example']) {
      expect(applicantRequestSchema.safeParse({ ...valid, email }).success, email).toBe(false);
    }
  });

  it('accepts non-ASCII names', () => {
    expect(applicantRequestSchema.parse({ ...valid, first_name: 'Zoë', last_name: '山田' }).last_name).toBe('山田');
  });

  it.each([
    ['email', { ...valid, email: 'ada@' }],
    ['email', { ...valid, email: `${'a'.repeat(250)}@example.com` }],
    ['first_name', { ...valid, first_name: '' }],
    ['last_name', { ...valid, last_name: 'a'.repeat(101) }],
    ['last_name', { ...valid, last_name: 'Love\nlace' }],
    ['first_name', { ...valid, first_name: 42 }],
  ])('reports a bad %s', (field, body) => {
    const result = applicantRequestSchema.safeParse(body);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual([field]);
  });
});

describe('applicant fields without zod', () => {
  it("check addresses with zod's own email rule", () => {
    expect(emailPattern.source).toBe(z.regexes.email.source);
  });
});
