// What the form can fill from a resume's text: pure functions of the lines PDF.js reads (text, font
// size, position), so that the browser's worker and the accuracy test under Node run the same code.

/** One line of a page as read: its text, font size (pt) and baseline position (PDF units, y up). */
export interface TextLine {
  text: string;
  fontSize: number;
  x: number;
  y: number;
}

/** A page's lines in reading order (top to bottom, then left to right) and its vertical extent. */
export interface ResumePage {
  top: number;
  bottom: number;
  lines: TextLine[];
}

export interface ResumeFields {
  firstName: string | null;
  lastName: string | null;
  email: string | null;
}

export const noResumeFields: ResumeFields = { firstName: null, lastName: null, email: null };

export function extractResumeFields(pages: readonly ResumePage[]): ResumeFields {
  const name = pages[0] ? findName(pages[0]) : null;
  return { firstName: name?.firstName ?? null, lastName: name?.lastName ?? null, email: findEmail(pages) };
}

// ---------- email ----------

const emailPattern = /[A-Za-z0-9._%+-]+@(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,24}/g;
const noReplyLocalPart = /^(?:no-?reply|do-?not-?reply|mailer-daemon|postmaster)$/i;
// RFC 2606 names: templates and sample resumes use them, a real applicant does not.
const exampleDomain = /(?:^|\.)(?:example\.(?:com|net|org)|example)$/i;

/** The first address in reading order, skipping no-reply and example addresses. */
export function findEmail(pages: readonly ResumePage[]): string | null {
  for (const page of pages) {
    for (const line of page.lines) {
      for (const match of line.text.matchAll(emailPattern)) {
        const address = match[0].replace(/^[._%+-]+/, '').replace(/\.+$/, '');
        const at = address.indexOf('@');
        const local = address.slice(0, at);
        const domain = address.slice(at + 1);
        if (!local || local.includes('..') || noReplyLocalPart.test(local) || exampleDomain.test(domain)) continue;
        if (address.length > 254) continue;
        return address;
      }
    }
  }
  return null;
}

// ---------- name ----------

// Surname particles: lower case inside a name ("Ludwig van Beethoven", "Juan de la Cruz").
const particles = new Set(['van', 'von', 'der', 'den', 'de', 'del', 'della', 'di', 'da', 'das', 'do', 'dos', 'du', 'la', 'le', 'les', 'y', 'bin', 'ibn', 'al', 'el', 'ter', 'ten', 'zu', 'af']);
// Words of headings, titles and contact lines that can look like a two-word name ("Curriculum Vitae",
// "Software Engineer", "Work Experience").
const notNameWords = new Set(
  [
    'resume', 'résumé', 'curriculum', 'vitae', 'cv', 'profile', 'summary', 'objective', 'experience', 'education', 'skills',
    'projects', 'contact', 'languages', 'certifications', 'references', 'interests', 'work', 'employment', 'history',
    'professional', 'personal', 'information', 'details', 'about', 'portfolio', 'page', 'engineer', 'developer', 'manager',
    'designer', 'analyst', 'consultant', 'scientist', 'director', 'intern', 'student', 'teacher', 'nurse', 'architect',
    'specialist', 'lead', 'senior', 'junior', 'software', 'data', 'product', 'project', 'marketing', 'sales', 'address',
    'phone', 'email', 'mobile', 'street', 'avenue', 'road', 'university', 'college', 'school', 'institute', 'inc', 'ltd',
    'llc', 'gmbh', 'team', 'officer', 'assistant', 'coordinator', 'administrator', 'technician', 'accountant', 'attorney',
  ],
);
const word = /^\p{L}[\p{L}\p{M}]*(?:['’-]\p{L}[\p{L}\p{M}]*)*$/u;
const initial = /^\p{Lu}\.$/u;
const fontSizeTolerance = 0.5;

/**
 * On page 1, the line with the largest font in the top third that reads as a name, split into first
 * and last name; null when none does, when it is no larger than the page's body text, or when two
 * different names share the largest size (unsure: better empty than wrong).
 */
export function findName(page: ResumePage): { firstName: string; lastName: string } | null {
  const topThird = page.bottom + ((page.top - page.bottom) * 2) / 3;
  const candidates = page.lines
    .filter((line) => line.y >= topThird)
    .map((line) => ({ line, name: parseName(line.text) }))
    .filter((entry): entry is { line: TextLine; name: { firstName: string; lastName: string } } => entry.name !== null);
  if (candidates.length === 0) return null;
  const largest = Math.max(...candidates.map(({ line }) => line.fontSize));
  const biggest = candidates.filter(({ line }) => line.fontSize >= largest - fontSizeTolerance);
  const distinct = new Set(biggest.map(({ name }) => `${name.firstName} ${name.lastName}`));
  if (distinct.size > 1) return null;
  if (largest < bodyFontSize(page) - fontSizeTolerance) return null;
  return biggest[0]!.name;
}

/** The font size most of the page's characters are set in. */
function bodyFontSize(page: ResumePage): number {
  const characters = new Map<number, number>();
  for (const line of page.lines) {
    const size = Math.round(line.fontSize * 2) / 2;
    characters.set(size, (characters.get(size) ?? 0) + line.text.length);
  }
  let body = 0;
  let most = -1;
  for (const [size, count] of characters) {
    if (count > most) {
      body = size;
      most = count;
    }
  }
  return body;
}

/**
 * "Jane Doe", "JANE DOE", "Ludwig van Beethoven", "DOE, Jane", "Jean DUPONT": 2 to 4 words of
 * letters, hyphens and apostrophes (particles and middle initials aside), no digits or @.
 */
export function parseName(text: string): { firstName: string; lastName: string } | null {
  const trimmed = text.normalize('NFC').replace(/\s+/g, ' ').trim();
  if (!trimmed || /[\d@]/.test(trimmed)) return null;
  const parts = trimmed.split(',');
  if (parts.length > 2) return null;
  if (parts.length === 2) {
    // "LAST, First": the surname may start with its particle ("VAN DER BERG, Anna").
    const last = parseWords(parts[0]!, true);
    const first = parseWords(parts[1]!, false);
    const given = first?.filter((token) => token.kind === 'name') ?? [];
    const surname = last?.filter((token) => token.kind === 'name') ?? [];
    if (!last || !first || first.some((token) => token.kind === 'particle')) return null;
    if (surname.length < 1 || surname.length > 2 || given.length < 1 || given.length > 2) return null;
    return { firstName: given.map((token) => token.text).join(' '), lastName: last.map((token) => token.text).join(' ') };
  }
  const tokens = parseWords(trimmed, false);
  const names = tokens?.filter((token) => token.kind === 'name').length ?? 0;
  if (!tokens || names < 2 || names > 4) return null;
  // The surname starts at its first particle ("Juan de la Cruz"), otherwise it is the last word.
  const particleAt = tokens.findIndex((token) => token.kind === 'particle');
  const surnameAt = particleAt > 0 ? particleAt : tokens.length - 1;
  const given = tokens.slice(0, surnameAt).filter((token) => token.kind === 'name');
  const surname = tokens.slice(surnameAt);
  if (given.length === 0 || !surname.some((token) => token.kind === 'name')) return null;
  return { firstName: given.map((token) => token.text).join(' '), lastName: surname.map((token) => token.text).join(' ') };
}

type NameToken = { kind: 'name' | 'particle' | 'initial'; text: string };

/** The words of a name in their written case (all-caps ones title-cased); null if one is not a name's. */
function parseWords(text: string, mayStartWithParticle: boolean): NameToken[] | null {
  const raw = text.trim().split(' ').filter(Boolean);
  if (raw.length === 0 || raw.length > 6) return null;
  const tokens: NameToken[] = [];
  for (const [index, token] of raw.entries()) {
    const lower = token.toLowerCase();
    if (initial.test(token)) {
      tokens.push({ kind: 'initial', text: token });
      continue;
    }
    if (!word.test(token) || notNameWords.has(lower)) return null;
    if (particles.has(lower) && (index > 0 || mayStartWithParticle)) {
      // Written as the person wrote it, except in capitals ("VAN DER BERG, Anna"): lower case then.
      tokens.push({ kind: 'particle', text: token === token.toUpperCase() ? lower : token });
      continue;
    }
    // Each name starts with a capital; a word in capitals inside a mixed-case line is a surname
    // written the French way ("Jean DUPONT").
    if (!/^\p{Lu}/u.test(token)) return null;
    const isCaps = token.length > 1 && !/\p{Ll}/u.test(token);
    tokens.push({ kind: 'name', text: isCaps ? titleCase(token) : token });
  }
  return tokens;
}

/** "O'BRIEN" → "O'Brien", "JEAN-LUC" → "Jean-Luc". */
function titleCase(token: string): string {
  return token.toLowerCase().replace(/(^|['’-])(\p{Ll})/gu, (_match, before: string, letter: string) => before + letter.toUpperCase());
}
