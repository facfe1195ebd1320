import 'server-only';

/**
 * A Content-Disposition value that keeps non-ASCII names (RFC 6266 / RFC 5987): an ASCII fallback
 * in `filename` and the exact name, percent-encoded as UTF-8, in `filename*`.
 */
export function buildContentDisposition(disposition: 'inline' | 'attachment', filename: string): string {
  const fallback = filename
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\x20-\x7e]/g, '_')
    .replace(/["\\]/g, '_');
  return `${disposition}; filename="${fallback}"; filename*=UTF-8''${encodeRfc5987(filename)}`;
}

function encodeRfc5987(value: string): string {
  return encodeURIComponent(value).replace(
    /['()*]/g,
    (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}
