// Control characters (NUL, escape, newlines, C1), the Unicode line separators, and lone UTF-16
// surrogates: none belongs in a name, a file name or metadata, and Postgres refuses NUL and lone
// surrogates outright (a 500 if they reached it).
const disallowedCharacters = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]|\p{Cs}/u;
const disallowedCharactersGlobal = new RegExp(disallowedCharacters.source, 'gu');

// Unicode format characters (category Cf): bidirectional overrides such as U+202E, zero-width
// spaces and joiners, soft hyphens. Invisible, they let `cv\u202Efdp.exe` display as `cvexe.pdf`.
const formatCharacters = /\p{Cf}/gu;

export const disallowedCharactersMessage = 'contains control characters, which are not allowed';

export function isPlainText(value: string): boolean {
  return !disallowedCharacters.test(value);
}

export function removeFormatCharacters(value: string): string {
  return value.replace(formatCharacters, '');
}

/** For input that is only read, never stored (a search term): what Postgres would refuse goes. */
export function removeDisallowedCharacters(value: string): string {
  return removeFormatCharacters(value).replace(disallowedCharactersGlobal, '');
}
