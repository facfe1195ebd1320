// Reads a ZIP archive's central directory (what a .docx is made of), from its last bytes: the
// attach checks that an uploaded Word document holds word/document.xml with two ranged reads of
// the stored object, and the analysis worker finds the parts it unpacks. Plain JavaScript, so that
// the worker thread (outside the bundle) and the server both import it; types in zip-directory.d.mts.
// No ZIP64: a resume is never 4 GB, and such an archive reads as no directory at all.

const endSignature = 0x06054b50;
const entrySignature = 0x02014b50;
const localSignature = 0x04034b50;
const endLength = 22;

/** The most of an archive's end to read to be sure of finding its end record (a 64 KiB comment at most). */
export const zipTailLength = endLength + 0xffff;

const view = (bytes) => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/**
 * The end-of-central-directory record in `tail`, the last bytes of an archive of `archiveSize`
 * bytes: where its directory is and how many entries it lists. Null when there is none (not a ZIP,
 * a truncated one, a ZIP64 one or a directory that does not fit the archive).
 */
export function findZipDirectory(tail, archiveSize) {
  const data = view(tail);
  for (let at = tail.byteLength - endLength; at >= 0 && at >= tail.byteLength - zipTailLength; at -= 1) {
    if (data.getUint32(at, true) !== endSignature) continue;
    const commentLength = data.getUint16(at + 20, true);
    if (at + endLength + commentLength !== tail.byteLength) continue;
    const entryCount = data.getUint16(at + 10, true);
    const size = data.getUint32(at + 12, true);
    const offset = data.getUint32(at + 16, true);
    if (entryCount === 0xffff || size === 0xffffffff || offset === 0xffffffff) return null;
    const endOffset = archiveSize - tail.byteLength + at;
    if (offset + size > endOffset) return null;
    return { offset, size, entryCount };
  }
  return null;
}

/** The entries a central directory's bytes list; null when they are not one. */
export function readZipEntries(directory, entryCount) {
  const data = view(directory);
  const decoder = new TextDecoder();
  const entries = [];
  let at = 0;
  for (let index = 0; index < entryCount; index += 1) {
    if (at + 46 > directory.byteLength || data.getUint32(at, true) !== entrySignature) return null;
    const nameLength = data.getUint16(at + 28, true);
    const extraLength = data.getUint16(at + 30, true);
    const commentLength = data.getUint16(at + 32, true);
    if (at + 46 + nameLength > directory.byteLength) return null;
    entries.push({
      name: decoder.decode(directory.subarray(at + 46, at + 46 + nameLength)),
      flags: data.getUint16(at + 8, true),
      method: data.getUint16(at + 10, true),
      compressedSize: data.getUint32(at + 20, true),
      uncompressedSize: data.getUint32(at + 24, true),
      localHeaderOffset: data.getUint32(at + 42, true),
    });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** The entries of a whole archive in memory; null when it is not a ZIP this module reads. */
export function listZipEntries(archive) {
  const tail = archive.subarray(Math.max(0, archive.byteLength - zipTailLength));
  const directory = findZipDirectory(tail, archive.byteLength);
  if (!directory) return null;
  return readZipEntries(archive.subarray(directory.offset, directory.offset + directory.size), directory.entryCount);
}

/** The compressed bytes of `entry` in `archive` (after its local header); null when they are not there. */
export function zipEntryData(archive, entry) {
  const at = entry.localHeaderOffset;
  if (at + 30 > archive.byteLength) return null;
  const data = view(archive);
  if (data.getUint32(at, true) !== localSignature) return null;
  const start = at + 30 + data.getUint16(at + 26, true) + data.getUint16(at + 28, true);
  const end = start + entry.compressedSize;
  return end <= archive.byteLength ? archive.subarray(start, end) : null;
}
