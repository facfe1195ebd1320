/** A step stopped because its upload was cancelled (another file chosen, the file removed, the page left). */
export class AbortedError extends Error {
  override name = 'AbortedError';
  constructor() {
    super('Cancelled.');
  }
}
