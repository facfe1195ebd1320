import { describeExtensions, describeFileTypes, fileTypeByName, hasSignatureOf, maxBytesOf, type FileType } from '@/lib/contract/file-types';
import { formatBytes } from '@/lib/format-bytes';

/**
 * The checks the page runs before any request, with the message to show next to the file field:
 * an accepted type by name and by what the browser says (nothing, or that type), a size within the
 * limit, and the type's first bytes. The server checks all of it again.
 */
export async function checkResumeFile(file: File, maxBytes: number, types: readonly FileType[]): Promise<string | null> {
  const type = fileTypeByName(file.name, types);
  if (!type || (file.type !== '' && file.type !== type.contentType)) {
    return `“${file.name}” is not ${types.length === 1 ? types[0]!.noun : `a ${describeFileTypes(types)} file`}. Please choose a ${describeExtensions(types)} file.`;
  }
  if (file.size === 0) return `“${file.name}” is empty.`;
  const limit = maxBytesOf(type, maxBytes);
  if (file.size > limit) {
    return `“${file.name}” is ${formatBytes(file.size)}; the limit is ${formatBytes(limit)}.`;
  }
  const head = new Uint8Array(await file.slice(0, type.signature.length).arrayBuffer());
  if (!hasSignatureOf(type, head)) {
    return `“${file.name}” is named ${type.extensions[0]} but is not ${type.noun}. Please export your resume again.`;
  }
  return null;
}
