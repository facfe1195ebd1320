import 'server-only';
import { fileTypes, type FileType } from '@/lib/contract/file-types';
import { getEnv } from '@/lib/env';

/** The resume types this deployment accepts (`RESUME_TYPES`), in the table's terms. */
export function getAcceptedFileTypes(): FileType[] {
  return getEnv().RESUME_TYPES.map((name) => fileTypes[name]);
}
