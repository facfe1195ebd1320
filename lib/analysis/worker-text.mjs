// What the analyzers in the worker thread share (pdf-analyzer.mjs, docx-analyzer.mjs): the failure
// they throw, and how text from a file is cleaned before it is stored.

/** A failure the server records as the reason analysis ended (lib/analysis/failures.ts), as opposed to a bug. */
export class AnalysisFailure extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

// Control characters (but tab and newline) and U+0000, which Postgres text refuses.
const unwanted = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
// Invisible format characters (Unicode category Cf: bidirectional overrides and isolates such as
// U+202E, zero-width spaces and joiners, soft hyphens), removed as they are from names
// (lib/plain-text.ts): they would make an excerpt in /admin read differently from the file.
const formatCharacters = /\p{Cf}/gu;

export function clean(value, maxLength) {
  return value.toWellFormed().replace(formatCharacters, '').replace(unwanted, ' ').slice(0, maxLength);
}

/** The first `maxBytes` of `text` in UTF-8, cut on a character boundary. */
export function capUtf8(text, maxBytes) {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return text;
  return new TextDecoder().decode(bytes.subarray(0, maxBytes)).replace(/\uFFFD$/, '');
}

/** Metadata with only the fields that are present. */
export function presentFields(metadata) {
  return Object.fromEntries(Object.entries(metadata).filter(([, value]) => value !== undefined));
}
