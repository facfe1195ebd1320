export type FieldErrors = Record<string, string>;

/** An error whose message is written for the person who caused it, with the status that fits. */
export class AppError extends Error {
  override name = 'AppError';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields?: FieldErrors,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

export const badRequest = (code: string, message: string, fields?: FieldErrors) =>
  new AppError(400, code, message, fields);
export const forbidden = (code: string, message: string) => new AppError(403, code, message);
export const notFound = (code: string, message: string) => new AppError(404, code, message);
export const conflict = (code: string, message: string, fields?: FieldErrors) =>
  new AppError(409, code, message, fields);
export const preconditionFailed = (code: string, message: string) => new AppError(412, code, message);
export const payloadTooLarge = (code: string, message: string, fields?: FieldErrors) =>
  new AppError(413, code, message, fields);
export const unsupportedMediaType = (code: string, message: string, fields?: FieldErrors) =>
  new AppError(415, code, message, fields);
export const unprocessable = (code: string, message: string, fields?: FieldErrors) =>
  new AppError(422, code, message, fields);
export const serviceUnavailable = (code: string, message: string) => new AppError(503, code, message);
