import { createHash } from 'node:crypto';
import { POST as postDirectUpload } from '@/app/api/direct-uploads/route';
import { GET as getDiskObject, PUT as putDiskObject } from '@/app/api/storage/disk/[token]/route';
import { POST as postUsers } from '@/app/api/users/route';

export const origin = 'http://app.test';

export const md5 = (bytes: Buffer | string) => createHash('md5').update(bytes).digest('base64');

export interface JsonResult<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

async function asJson(response: Response): Promise<JsonResult> {
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : null };
}

export function jsonRequest(path: string, body: unknown, headers: Record<string, string> = {}): Request {
  return new Request(`${origin}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

const noParams = { params: Promise.resolve({}) };

export function fileRequest(bytes: Buffer, overrides: Record<string, unknown> = {}) {
  return {
    file: {
      filename: 'resume.pdf',
      byte_size: bytes.length,
      checksum: md5(bytes),
      content_type: 'application/pdf',
      metadata: {},
      ...overrides,
    },
  };
}

export async function presign(body: unknown, headers?: Record<string, string>): Promise<JsonResult> {
  return asJson(await postDirectUpload(jsonRequest('/api/direct-uploads', body, headers), noParams as never));
}

export async function createUser(body: unknown, headers?: Record<string, string>): Promise<JsonResult> {
  return asJson(await postUsers(jsonRequest('/api/users', body, headers), noParams as never));
}

function tokenOf(url: string): string {
  const prefix = `${origin}/api/storage/disk/`;
  if (!url.startsWith(prefix)) throw new Error(`Not a disk-service URL: ${url}`);
  return url.slice(prefix.length);
}

export async function putObject(
  url: string,
  headers: Record<string, string>,
  bytes: Buffer | Uint8Array | ReadableStream<Uint8Array>,
): Promise<Response> {
  const body = bytes instanceof ReadableStream ? bytes : new Uint8Array(bytes);
  const request = new Request(url, { method: 'PUT', headers, body, duplex: 'half' } as RequestInit);
  return putDiskObject(request, { params: Promise.resolve({ token: tokenOf(url) }) });
}

export async function getObject(url: string): Promise<Response> {
  return getDiskObject(new Request(url), { params: Promise.resolve({ token: tokenOf(url) }) });
}

/** The tutorial's whole client flow: presign, PUT with the returned headers, create the user. */
export async function applyWithResume(bytes: Buffer, person: Record<string, string>, filename = 'resume.pdf', contentType = 'application/pdf') {
  const upload = await presign(fileRequest(bytes, { filename, content_type: contentType }));
  if (upload.status !== 200) throw new Error(`presign failed: ${JSON.stringify(upload.body)}`);
  const put = await putObject(upload.body.direct_upload.url, upload.body.direct_upload.headers, bytes);
  if (put.status !== 200) throw new Error(`PUT failed: ${put.status} ${await put.text()}`);
  return createUser({ ...person, pdf: upload.body.blob_signed_id });
}
