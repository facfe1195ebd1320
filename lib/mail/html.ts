import 'server-only';

/** Markup built by `html`: interpolated into another `html` template as is, never escaped twice. */
export class Html {
  constructor(readonly markup: string) {}
}

const entities: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

function render(value: unknown): string {
  if (value instanceof Html) return value.markup;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === null || value === undefined || value === false) return '';
  return String(value).replace(/[&<>"']/g, (character) => entities[character]!);
}

/**
 * A template of an email's HTML part: every interpolated value is escaped (names and file names
 * come from applicants), but for nested `html` templates.
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  return new Html(
    strings.reduce(
      (markup, part, index) => markup + part + (index < values.length ? render(values[index]) : ''),
      '',
    ),
  );
}
