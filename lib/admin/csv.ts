import 'server-only';

export type CsvCell = string | number | null;

// A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
const formulaStart = /^[=+\-@\t\r]/;

/** A text cell a spreadsheet shows as text: formulas get a leading apostrophe, as OWASP advises. */
export function neutralizeCell(value: string): string {
  return formulaStart.test(value) ? `'${value}` : value;
}

function formatCell(cell: CsvCell): string {
  if (cell === null) return '';
  if (typeof cell === 'number') return String(cell);
  const text = neutralizeCell(cell);
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * RFC 4180 CSV (CRLF line ends, quoted where needed) with a UTF-8 byte order mark, which Excel
 * needs to read non-ASCII names correctly.
 */
export function toCsv(header: string[], rows: CsvCell[][]): string {
  return `\uFEFF${[header, ...rows].map((row) => row.map(formatCell).join(',')).join('\r\n')}\r\n`;
}
