import 'server-only';
import { appError } from './errors';

/**
 * The body as UTF-8 text, refusing (413) one larger than `maxBytes` from its Content-Length or as
 * soon as the stream passes the cap, so that nothing bigger is ever buffered.
 */
export async function readCappedText(request: Request, maxBytes: number): Promise<string> {
  const tooLarge = () => appError('body_too_large', { message: `The request body is larger than ${maxBytes / 1024} KiB.` });
  if (Number(request.headers.get('content-length') ?? 0) > maxBytes) throw tooLarge();
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body) {
    for await (const chunk of request.body) {
      size += chunk.byteLength;
      if (size > maxBytes) throw tooLarge();
      chunks.push(chunk);
    }
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Reads an HTML form post of at most `maxBytes` (`request.formData()` would read any size). */
export async function readForm(request: Request, maxBytes: number): Promise<URLSearchParams> {
  const type = request.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') {
    throw appError('unsupported_content_type');
  }
  return new URLSearchParams(await readCappedText(request, maxBytes));
}
