import 'server-only';
import { PermanentJobError, RetryableJobError } from '@/lib/jobs/define-job';

interface NodemailerError {
  code?: string;
  responseCode?: number;
  response?: string;
}

/**
 * What a failed delivery becomes, named by the server's reply code and enhanced status only (its
 * text may quote the address): `smtp_550_5.1.1`. A recipient or message the server refused for
 * good (5xx to RCPT TO or DATA) will be refused again: dead-lettered at once. Anything else (no
 * server, a 4xx, a timeout, a refused login that an operator may fix) is tried again later.
 */
export function deliveryFailure(error: unknown): Error {
  const { code, responseCode, response } = error as NodemailerError;
  if (typeof responseCode === 'number') {
    const enhanced = /^\d{3}[ -](\d\.\d{1,3}\.\d{1,3})\b/.exec(response ?? '')?.[1];
    const name = `smtp_${responseCode}${enhanced ? `_${enhanced}` : ''}`;
    const refusedForGood = responseCode >= 500 && (code === 'EENVELOPE' || code === 'EMESSAGE');
    return refusedForGood ? new PermanentJobError(name) : new RetryableJobError(name);
  }
  return new RetryableJobError(`smtp_${(code ?? 'error').toLowerCase()}`);
}
