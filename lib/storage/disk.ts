import 'server-only';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { access, constants, link, mkdir, open, readdir, readFile, rename, rmdir, stat, statfs, unlink, writeFile, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { z } from 'zod';
import { publicOrigin } from '@/lib/request-context';
import { signToken, TokenError, verifyToken } from '@/lib/signed-token';
import { IntegrityError, InvalidStorageUrlError, ObjectExistsError, UploadInProgressError, UploadInterruptedError } from './errors';
import { isValidBlobKey, parseVariantKey } from './keys';
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

export interface DiskObjectReader {
  stream: ReadableStream<Uint8Array>;
  byteSize: number;
}

const variantsFolder = 'variants';

/**
 * Local-disk storage, like Active Storage's DiskService: uploads and downloads go through this
 * app's own route (its controller, app/api/storage/disk/[token]/disk-controller.ts), authorised by
 * the short-lived signed tokens this service puts in its URLs and verifies.
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
    const parts = variant ? [variantsFolder, ...nest(variant.blobKey), variant.name] : isValidBlobKey(key) ? nest(key) : null;
    if (!parts) throw new Error(`Refusing unsafe storage key ${JSON.stringify(key)}`);
    const resolved = path.resolve(this.root, ...parts);
    if (!resolved.startsWith(this.root + path.sep)) throw new Error('Storage key escapes the storage root');
    return resolved;
  }

  async createDirectUpload(request: DirectUploadRequest): Promise<DirectUpload> {
    const claims: DiskUploadClaims = {
      key: request.key,
      contentType: request.contentType,
      byteSize: request.byteSize,
      checksum: request.checksum,
    };
    const token = await signToken('disk_upload', { ...claims }, request.expiresIn);
    return {
      url: `${publicOrigin()}/api/storage/disk/${token}`,
      headers: { 'Content-Type': request.contentType, 'Content-MD5': request.checksum, 'If-None-Match': '*' },
    };
  }

  /**
   * Size and MD5 of a stored file. The MD5 is the one `writeDirectUpload` computed from the bytes as
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

  async exists(key: string): Promise<boolean> {
    return stat(this.pathFor(key)).then(
      () => true,
      (error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return false;
        throw error;
      },
    );
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

  async deletePrefixed(prefix: string): Promise<void> {
    if (prefix === '') throw new Error('Refusing to delete every object: deletePrefixed needs a prefix');
    for (const key of await this.keysStartingWith(prefix)) {
      await this.delete(key);
      const variant = parseVariantKey(key);
      // A blob's variant folder goes with its last variant; one still holding others stays.
      if (variant) await rmdir(path.dirname(this.pathFor(key))).catch(() => undefined);
    }
  }

  async ping(): Promise<void> {
    await mkdir(this.root, { recursive: true });
    await access(this.root, constants.W_OK);
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

  /** The claims of an upload URL this service made, or InvalidStorageUrlError. */
  async verifyUploadUrl(token: string): Promise<DiskUploadClaims> {
    return verifyClaims('disk_upload', uploadClaimsSchema, token);
  }

  /**
   * Stores the body of a direct upload at the signed key. It is streamed to a temporary file while
   * it is hashed, and moved into place only if its length and MD5 are the signed ones: nothing
   * partial is ever left. An existing object is never replaced (ObjectExistsError).
   */
  async writeDirectUpload(claims: DiskUploadClaims, body: ReadableStream<Uint8Array> | null): Promise<void> {
    const destination = this.pathFor(claims.key);
    if (await fileExists(destination)) throw new ObjectExistsError(`An object is already stored at ${claims.key}`);

    const temporaryFolder = path.join(this.root, 'tmp');
    await mkdir(temporaryFolder, { recursive: true });
    // One name per key, created exclusively: a second PUT to the same URL while one is being
    // written is refused at once, before it reads a byte (across processes too). A file left by a
    // process that died goes with the purge's temporary files, after the URL has expired.
    const temporary = path.join(temporaryFolder, `${claims.key}.part`);
    const temporaryRecord = path.join(temporaryFolder, `${claims.key}.md5.part`);
    const file = await open(temporary, 'wx', 0o600).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'EEXIST') throw new UploadInProgressError(`An upload to ${claims.key} is being written`);
      throw error;
    });
    try {
      const { byteSize, checksum } = await writeHashed(body, file, claims.byteSize);
      if (byteSize !== claims.byteSize) throw new IntegrityError('too_short', claims.byteSize, byteSize);
      if (checksum !== claims.checksum) throw new IntegrityError('checksum', claims.byteSize, byteSize);
      await mkdir(path.dirname(destination), { recursive: true });
      // link() refuses an existing destination atomically, which is what If-None-Match: * means.
      await link(temporary, destination).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'EEXIST') throw new ObjectExistsError(`An object is already stored at ${claims.key}`);
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
  async purgeInterruptedUploads(olderThan: Date): Promise<number> {
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

  /** The claims of a download URL this service made, or InvalidStorageUrlError. */
  async verifyDownloadUrl(token: string): Promise<DiskDownloadClaims> {
    return verifyClaims('disk_download', downloadClaimsSchema, token);
  }

  /**
   * The object's bytes as a stream, or null when there is none. `signal`: the request's, so that a
   * client who goes away mid-download frees the file at once.
   */
  async openRead(key: string, signal?: AbortSignal): Promise<DiskObjectReader | null> {
    const handle = await open(this.pathFor(key), 'r').catch(() => null);
    if (!handle) return null;
    try {
      const { size } = await handle.stat();
      return { stream: streamFile(handle, signal), byteSize: size };
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /**
   * The keys stored that start with `prefix`, found by walking only the folders such keys can be
   * in (a key's path is derived from it, never the reverse: names that are not keys are skipped).
   */
  private async keysStartingWith(prefix: string): Promise<string[]> {
    const blobKeys = await nestedKeys(this.root, prefix);
    const variantRoot = `${variantsFolder}/`;
    if (!variantRoot.startsWith(prefix) && !prefix.startsWith(variantRoot)) return blobKeys;
    const rest = prefix.slice(variantRoot.length);
    const blobKeyPrefix = rest.split('/')[0] ?? '';
    const variantKeys: string[] = [];
    for (const blobKey of await nestedKeys(path.join(this.root, variantsFolder), blobKeyPrefix)) {
      for (const name of await listFolder(path.join(this.root, variantsFolder, blobKey.slice(0, 2), blobKey.slice(2, 4), blobKey))) {
        const key = `${variantRoot}${blobKey}/${name}`;
        if (key.startsWith(prefix) && parseVariantKey(key)) variantKeys.push(key);
      }
    }
    return [...blobKeys, ...variantKeys];
  }
}

/**
 * The blob keys under `base`/xx/yy/ (the two-level nesting of blob keys) that start with
 * `keyPrefix`; only the folders that can hold such keys are read.
 */
async function nestedKeys(base: string, keyPrefix: string): Promise<string[]> {
  const segment = /^[a-z0-9]{2}$/;
  const found: string[] = [];
  for (const first of await listFolder(base)) {
    if (!segment.test(first) || !first.startsWith(keyPrefix.slice(0, 2))) continue;
    for (const second of await listFolder(path.join(base, first))) {
      if (!segment.test(second) || !second.startsWith(keyPrefix.slice(2, 4))) continue;
      for (const name of await listFolder(path.join(base, first, second))) {
        if (isValidBlobKey(name) && name.startsWith(`${first}${second}`) && name.startsWith(keyPrefix)) found.push(name);
      }
    }
  }
  return found;
}

async function listFolder(folder: string): Promise<string[]> {
  return readdir(folder).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return [];
    throw error;
  });
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
    throw new InvalidStorageUrlError(error instanceof TokenError && error.reason === 'expired' ? 'expired' : 'invalid');
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

async function fileExists(file: string): Promise<boolean> {
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
        callback(new IntegrityError('too_long', limit, byteSize));
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
    if (error instanceof IntegrityError) throw error;
    throw new UploadInterruptedError('The upload body ended before all its bytes arrived', { cause: error });
  }
  return { byteSize, checksum: hash.digest('base64') };
}
