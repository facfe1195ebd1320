import 'server-only';
import { describeExtensions, describeFileTypes, fileTypes, type FileType } from '@/lib/contract/file-types';
import { appError, type AppError } from '@/lib/http/errors';
import { getEnv } from '@/lib/env';

/** The resume types this deployment accepts (`RESUME_TYPES`), in the table's terms. */
export function getAcceptedFileTypes(): FileType[] {
  return getEnv().RESUME_TYPES.map((name) => fileTypes[name]);
}

/** 422 for a known type this deployment does not take (RESUME_TYPES), on the request's `field`. */
export function fileTypeNotAccepted(type: FileType, accepted: FileType[], field: 'content_type' | 'pdf'): AppError {
  const message = `${type.label} files (${describeExtensions([type])}) are not accepted here; send ${describeFileTypes(accepted)} (${describeExtensions(accepted)}).`;
  return appError('file_type_not_accepted', {
    message,
    fields: { [field]: field === 'content_type' ? `must be ${accepted.map((each) => each.contentType).join(' or ')}` : message },
  });
}
