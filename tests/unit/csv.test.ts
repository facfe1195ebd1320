import { describe, expect, it } from 'vitest';
import { neutralizeCell, toCsv } from '@/lib/admin/csv';

describe('CSV export', () => {
  it.each(['=1+1', '+1', '-1', '@SUM(A1)', '\tcmd', '\rcmd'])('neutralises %j so a spreadsheet shows it as text', (value) => {
    expect(neutralizeCell(value)).toBe(`'${value}`);
  });

  it.each(['Ada', 'ada@example.com', '1+1', "'quoted", ''])('leaves %j alone', (value) => {
    expect(neutralizeCell(value)).toBe(value);
  });

  it('writes RFC 4180 rows with a byte order mark, quoting what needs it', () => {
    const csv = toCsv(['Name', 'Pages'], [
      ['Ada, Countess', 3],
      ['Say "hi"', null],
      ['two\nlines', 1],
      ['=cmd|" /C calc"!A0', 2],
      [' padded ', 0],
    ]);
    expect(csv).toBe(
      '\uFEFFName,Pages\r\n"Ada, Countess",3\r\n"Say ""hi""",\r\n"two\nlines",1\r\n"\'=cmd|"" /C calc""!A0",2\r\n" padded ",0\r\n',
    );
  });
});
