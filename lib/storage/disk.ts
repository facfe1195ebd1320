import 'server-only';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { link, mkdir, open, readdir, readFile, rename, stat, statfs, unlink, writeFile, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { z } from 'zod';
import { appError, AppError } from '@/lib/http/errors';
import { publicOrigin } from '@/lib/request-context';
import { signToken, TokenError, verifyToken } from '@/lib/signed-token';
import { isValidBlobKey, parseVariantKey } from '@/lib/storage/keys';
import type { DirectUpload, DirectUploadRequest, DownloadOptions, StorageService, StoredObject } from './service';

// What a disk URL's token carries, checked when it comes back: a token we signed with other
// claims (an older release, another purpose's shape) is refused, never half-read.
const uploadClaimsSchema = z.object({
  key: z.string().min(1),
  contentType: z.string().min(1),
  byteSize: z.number().int().nonnegative(),
  checksum: z.string().min(1),
});

const downloadClaimsSchema = z.object({
  key: z.string().min(1),
  filename: z.string(),
  contentType: z.string().min(1),
  disposition: z.enum(['inline', 'attachment']),
});

export type DiskUploadClaims = z.infer<typeof uploadClaimsSchema>;
export type DiskDownloadClaims = z.infer<typeof downloadClaimsSchema>;

export interface DiskDownload {
  stream: ReadableStream<Uint8Array>;
  byteSize: number;
  claims: DiskDownloadClaims;
}

/**
 * Local-disk storage, like Active Storage's DiskService + DiskController: uploads and downloads go
 * through our own routes, authorised by short-lived signed tokens.
 */
export class DiskStorageService implements StorageService {
  readonly name = 'disk' as const;
  private readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  /** Keys never become paths unchecked: only server-made keys, and only inside the root. */
  pathFor(key: string): string {
    const nest = (blobKey: string) => [blobKey.slice(0, 2), blobKey.slice(2, 4), blobKey];
    const variant = parseVariantKey(key);
    const parts = variant ? ['variants', ...nest(variant.blobKey), variant.name] : isValidBlobKey(key) ? nest(key) : null;
    if (!parts) throw new Error(`Refusing unsafe storage key ${JSON.stringify(key)}`);
    const resolved = path.resolve(this.root, ...parts);
    if (!resolved.startsWith(this.root + path.sep)) throw new Error('Storage key escapes the storage root');
    return resolved;
  }

  async createDirectUpload(request: DirectUploadRequest): Promise<DirectUpload> {
    const { token, headers } = await this.signUpload(request);
    return { url: `${publicOrigin()}/api/storage/disk/${token}`, headers };
  }

  /** The upload's token and headers, without a URL: for a caller that hands them to `receiveUpload`. */
  async signUpload(request: DirectUploadRequest): Promise<{ token: string; headers: Record<string, string> }> {
    const claims: DiskUploadClaims = {
      key: request.key,
      contentType: request.contentType,
      byteSize: request.byteSize,
      checksum: request.checksum,
    };
    return {
      token: await signToken('disk_upload', { ...claims }, request.expiresIn),
      headers: { 'Content-Type': request.contentType, 'Content-MD5': request.checksum, 'If-None-Match': '*' },
    };
  }

  /**
   * Size and MD5 of a stored file. The MD5 is the one `receiveUpload` computed from the bytes as
   * they arrived (kept beside the file), so attaching does not read the file again; a file without
   * that record, or whose size differs from it, is hashed as before.
   */
  async stat(key: string): Promise<StoredObject | null> {
    const file = this.pathFor(key);
    try {
      const [info, recorded] = await Promise.all([stat(file), readChecksumRecord(checksumPathFor(file))]);
      if (recorded && recorded.byteSize === info.size) return { byteSize: info.size, checksum: recorded.checksum };
      const hash = createHash('md5');
      await pipeline(createReadStream(file), hash);
      return { byteSize: info.size, checksum: hash.digest('base64') };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async readRange(key: string, start: number, end: number): Promise<Uint8Array> {
    const handle = await open(this.pathFor(key), 'r');
    try {
      const buffer = Buffer.alloc(end - start + 1);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, start);
      return buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  }

  async upload(key: string, bytes: Uint8Array): Promise<void> {
    const destination = this.pathFor(key);
    const temporaryFolder = path.join(this.root, 'tmp');
    await mkdir(temporaryFolder, { recursive: true });
    await mkdir(path.dirname(destination), { recursive: true });
    const temporary = path.join(temporaryFolder, `${path.basename(destination)}.${randomBytes(6).toString('hex')}.part`);
    try {
      await writeFile(temporary, bytes, { flag: 'wx', mode: 0o600 });
      // A checksum record of the bytes being replaced must not outlive them.
      await unlink(checksumPathFor(destination)).catch(() => undefined);
      // rename() replaces atomically: a reader sees the old object or the new one, never half.
      await rename(temporary, destination);
    } finally {
      await unlink(temporary).catch(() => undefined);
    }
  }

  async delete(key: string): Promise<void> {
    const file = this.pathFor(key);
    // The checksum record first: a file left without one is only hashed again, never trusted wrongly.
    for (const target of [checksumPathFor(file), file]) {
      await unlink(target).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
      });
    }
  }

  async getDownloadUrl(key: string, options: DownloadOptions): Promise<string> {
    const claims: DiskDownloadClaims = {
      key,
      filename: options.filename,
      contentType: options.contentType,
      disposition: options.disposition,
    };
    const token = await signToken('disk_download', { ...claims }, options.expiresIn);
    return `${publicOrigin()}/api/storage/disk/${token}`;
  }

  /**
   * Receives a direct upload. The body is streamed to a temporary file while it is hashed, and
   * moved into place only if its length and MD5 are the signed ones: nothing partial is ever left.
   */
  async receiveUpload(token: string, headers: Headers, body: ReadableStream<Uint8Array> | null): Promise<void> {
    const claims = await verifyClaims('disk_upload', uploadClaimsSchema, token);
    const contentType = headers.get('content-type');
    if (contentType !== claims.contentType) {
      throw appError('content_type_mismatch', { message: `This upload URL only accepts Content-Type ${claims.contentType}.` });
    }
    const contentMd5 = headers.get('content-md5');
    if (contentMd5 !== null && contentMd5 !== claims.checksum) {
      throw appError('checksum_mismatch', { message: 'The Content-MD5 header does not match the checksum this upload was signed for.' });
    }
    const contentLength = headers.get('content-length');
    if (contentLength !== null && Number(contentLength) !== claims.byteSize) {
      throw appError('length_mismatch', { message: `This upload URL only accepts exactly ${claims.byteSize} bytes.` });
    }
    const destination = this.pathFor(claims.key);
    if (await exists(destination)) {
      throw appError('already_uploaded');
    }

    const temporaryFolder = path.join(this.root, 'tmp');
    await mkdir(temporaryFolder, { recursive: true });
    // One name per key, created exclusively: a second PUT to the same URL while one is being
    // written is refused at once, before it reads a byte (across processes too). A file left by a
    // process that died goes with the purge's temporary files, after the URL has expired.
    const temporary = path.join(temporaryFolder, `${claims.key}.part`);
    const temporaryRecord = path.join(temporaryFolder, `${claims.key}.md5.part`);
    const file = await open(temporary, 'wx', 0o600).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'EEXIST') throw appError('upload_in_progress');
      throw error;
    });
    try {
      const { byteSize, checksum } = await writeHashed(body, file, claims.byteSize);
      if (byteSize !== claims.byteSize) {
        throw appError('length_mismatch', { message: `Received ${byteSize} bytes; this upload was signed for ${claims.byteSize}.` });
      }
      if (checksum !== claims.checksum) {
        throw appError('checksum_mismatch');
      }
      await mkdir(path.dirname(destination), { recursive: true });
      // link() refuses an existing destination atomically, which is what If-None-Match: * means.
      await link(temporary, destination).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'EEXIST') {
          throw appError('already_uploaded');
        }
        throw error;
      });
      // The verified MD5 beside the file, put in place by rename (atomic): `stat` reads it instead
      // of hashing the file again. Should this step not happen, `stat` hashes the file.
      await writeFile(temporaryRecord, formatChecksumRecord(byteSize, checksum), { flag: 'wx', mode: 0o600 });
      await rename(temporaryRecord, checksumPathFor(destination));
    } finally {
      // Closed already by its write stream, unless that stream never started.
      await file.close().catch(() => undefined);
      await unlink(temporary).catch(() => undefined);
      await unlink(temporaryRecord).catch(() => undefined);
    }
  }

  /** Bytes free for this process on the file system that holds the storage root. */
  async freeBytes(): Promise<number> {
    await mkdir(this.root, { recursive: true });
    const { bavail, bsize } = await statfs(this.root);
    return bavail * bsize;
  }

  /**
   * Removes temporary files not written to since `olderThan`: an upload whose process died (crash,
   * restart, kill) never reaches the `finally` that removes its file. Returns how many went.
   */
  async purgeTemporaryFiles(olderThan: Date): Promise<number> {
    const folder = path.join(this.root, 'tmp');
    const names = await readdir(folder).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      throw error;
    });
    let removed = 0;
    for (const name of names) {
      const file = path.join(folder, name);
      const info = await stat(file).catch(() => null);
      if (!info?.isFile() || info.mtime >= olderThan) continue;
      await unlink(file).then(
        () => (removed += 1),
        (error: NodeJS.ErrnoException) => {
          if (error.code !== 'ENOENT') throw error;
        },
      );
    }
    return removed;
  }

  /** `signal`: the request's, so that a client who goes away mid-download frees the file at once. */
  async openDownload(token: string, signal?: AbortSignal): Promise<DiskDownload> {
    const claims = await verifyClaims('disk_download', downloadClaimsSchema, token);
    const handle = await open(this.pathFor(claims.key), 'r').catch(() => null);
    if (!handle) throw appError('not_found', { message: 'This file does not exist any more.' });
    try {
      const { size } = await handle.stat();
      return { stream: streamFile(handle, signal), byteSize: size, claims };
    } catch (error) {
      await handle.close();
      throw error;
    }
  }
}

/**
 * A pull-based stream over an open file. Node 20's Readable.toWeb throws an uncaught
 * "Controller is already closed" when the client goes away mid-download; this one just closes. A
 * client that disconnects is not always seen as a cancel, so the request's abort closes the file
 * too, rather than leaving it to the garbage collector.
 */
function streamFile(handle: FileHandle, signal?: AbortSignal): ReadableStream<Uint8Array> {
  let closing: Promise<void> | undefined;
  const close = () => (closing ??= handle.close().catch(() => undefined));
  signal?.addEventListener('abort', () => void close(), { once: true });
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (closing) {
        controller.close();
        return;
      }
      const buffer = Buffer.allocUnsafe(256 * 1024);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null).catch(() => ({ bytesRead: 0 }));
      if (bytesRead === 0) {
        await close();
        controller.close();
      } else {
        controller.enqueue(buffer.subarray(0, bytesRead));
      }
    },
    async cancel() {
      await close();
    },
  });
}

async function verifyClaims<T>(purpose: 'disk_upload' | 'disk_download', schema: z.ZodType<T>, token: string): Promise<T> {
  try {
    const claims = schema.safeParse(await verifyToken(purpose, token));
    if (!claims.success) throw new TokenError('invalid');
    return claims.data;
  } catch (error) {
    if (error instanceof TokenError && error.reason === 'expired') {
      throw appError('url_expired');
    }
    throw appError('invalid_signature');
  }
}

/** Where the MD5 verified at upload is kept: beside the file, under its name + `.md5`. */
function checksumPathFor(file: string): string {
  return `${file}.md5`;
}

function formatChecksumRecord(byteSize: number, checksum: string): string {
  return `${checksum} ${byteSize}\n`;
}

async function readChecksumRecord(file: string): Promise<{ checksum: string; byteSize: number } | null> {
  const text = await readFile(file, 'utf8').catch(() => null);
  const match = text === null ? null : /^([A-Za-z0-9+/]{22}==) (\d+)\n$/.exec(text);
  return match ? { checksum: match[1]!, byteSize: Number(match[2]) } : null;
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

async function writeHashed(
  body: ReadableStream<Uint8Array> | null,
  file: FileHandle,
  limit: number,
): Promise<{ byteSize: number; checksum: string }> {
  const hash = createHash('md5');
  let byteSize = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      byteSize += chunk.length;
      if (byteSize > limit) {
        callback(appError('length_mismatch', { message: `The body is longer than the ${limit} bytes this upload was signed for.` }));
        return;
      }
      hash.update(chunk);
      callback(null, chunk);
    },
  });
  const source = body ? Readable.fromWeb(body as WebReadableStream<Uint8Array>) : Readable.from([]);
  try {
    await pipeline(source, meter, file.createWriteStream());
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw appError('upload_interrupted');
  }
  return { byteSize, checksum: hash.digest('base64') };
}
