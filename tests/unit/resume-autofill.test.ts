import { describe, expect, it } from 'vitest';
import { clearFilled, fillFromResume } from '@/lib/browser/resume-autofill/fill-fields';
import { findEmail, findName, parseName, type ResumePage, type TextLine } from '@/lib/browser/resume-autofill/resume-fields';
import { linesFromTextItems } from '@/lib/browser/resume-autofill/text-lines';

const line = (text: string, fontSize: number, y: number, x = 50): TextLine => ({ text, fontSize, x, y });
const page = (lines: TextLine[]): ResumePage => ({ top: 800, bottom: 0, lines });
const body = [line('Built the billing platform used by two million customers every month.', 10, 500)];

describe('parseName', () => {
  it.each([
    ['Jane Doe', 'Jane', 'Doe'],
    ['JANE DOE', 'Jane', 'Doe'],
    ["BARBARA O'CONNOR", 'Barbara', "O'Connor"],
    ['DOE, Jane', 'Jane', 'Doe'],
    ['VAN DER BERG, Anna', 'Anna', 'van der Berg'],
    ['Ludwig van Beethoven', 'Ludwig', 'van Beethoven'],
    ['Juan de la Cruz', 'Juan', 'de la Cruz'],
    ['Hélène LEFÈVRE', 'Hélène', 'Lefèvre'],
    ['Anne-Marie Dupont-Moretti', 'Anne-Marie', 'Dupont-Moretti'],
    ['Katherine G. Johnson', 'Katherine', 'Johnson'],
  ])('reads %s', (text, firstName, lastName) => {
    expect(parseName(text)).toEqual({ firstName, lastName });
  });

  it.each(['Curriculum Vitae', 'Senior Software Engineer', 'Jane', 'jane doe', 'Jane Doe 2024', 'jane@doe.dev', 'One Two Three Four Five', 'de la Cruz', 'Application for the backend role'])(
    'does not take %s for a name',
    (text) => {
      expect(parseName(text)).toBeNull();
    },
  );
});

describe('findName', () => {
  it('takes the largest name-like line of the top third', () => {
    expect(findName(page([line('RESUME', 28, 760), line('Niels Bohr', 14, 730), line('Copenhagen, Denmark', 10, 715), ...body]))).toEqual({ firstName: 'Niels', lastName: 'Bohr' });
  });

  it('leaves the name empty when two different names share the largest size', () => {
    expect(findName(page([line('Jane Doe', 20, 760), line('John Smith', 20, 700, 300), ...body]))).toBeNull();
  });

  it('leaves the name empty when the only candidate is smaller than the body text', () => {
    expect(findName(page([line('Jane Doe', 8, 760), ...body]))).toBeNull();
  });

  it('looks only in the top third of the page', () => {
    expect(findName(page([line('Jane Doe', 20, 400), ...body]))).toBeNull();
  });
});

describe('findEmail', () => {
  it('takes the first address in reading order, skipping no-reply and example ones', () => {
    const pages = [
      page([line('Sent by noreply@resumes.io', 10, 760), line('Template: you@example.com, me@mail.example', 10, 740)]),
      page([line('Email: jane.doe@fastmail.fm.', 10, 760), line('jane@work.dev', 10, 740)]),
    ];
    expect(findEmail(pages)).toBe('jane.doe@fastmail.fm');
  });

  it('finds none when there is none', () => {
    expect(findEmail([page(body)])).toBeNull();
  });
});

describe('linesFromTextItems', () => {
  const item = (str: string, size: number, x: number, y: number, width: number) => ({ str, transform: [size, 0, 0, size, x, y], width });

  it('joins the pieces of a line and splits two columns on one baseline', () => {
    const lines = linesFromTextItems([
      item('jane.doe@', 10, 50, 700, 45),
      item('mail.dev', 10, 95, 700, 40),
      item('Experience', 12, 300, 700.5, 60),
      item('Jane', 24, 50, 760, 50),
      item('Doe', 24, 106, 760, 40),
    ]);
    expect(lines.map(({ text, fontSize }) => [text, fontSize])).toEqual([
      ['Jane Doe', 24],
      ['Experience', 12],
      ['jane.doe@mail.dev', 10],
    ]);
  });

  it('leaves out vertical text', () => {
    expect(linesFromTextItems([{ str: 'Sidebar', transform: [0, 10, -10, 0, 20, 400], width: 40 }])).toEqual([]);
  });
});

describe('filling the form', () => {
  const empty = { first_name: '', last_name: '', email: '' };
  const found = { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@engine.uk' };

  it('fills only the empty fields, and remembers what it filled', () => {
    const { values, filled } = fillFromResume({ ...empty, first_name: 'Augusta' }, {}, found);
    expect(values).toEqual({ first_name: 'Augusta', last_name: 'Lovelace', email: 'ada@engine.uk' });
    expect(filled).toEqual({ last_name: 'Lovelace', email: 'ada@engine.uk' });
  });

  it('replaces what an earlier file filled, never what the applicant changed', () => {
    const first = fillFromResume(empty, {}, found);
    const edited = { ...first.values, last_name: 'King' };
    const second = fillFromResume(edited, first.filled, { firstName: 'Grace', lastName: 'Hopper', email: null });
    expect(second.values).toEqual({ first_name: 'Grace', last_name: 'King', email: '' });
    expect(second.filled).toEqual({ first_name: 'Grace' });
  });

  it('clears only the fields that still hold what was filled', () => {
    const first = fillFromResume(empty, {}, found);
    const cleared = clearFilled({ ...first.values, email: 'mine@home.net' }, first.filled);
    expect(cleared.values).toEqual({ first_name: '', last_name: '', email: 'mine@home.net' });
    expect(cleared.cleared).toEqual(['first_name', 'last_name']);
  });
});
