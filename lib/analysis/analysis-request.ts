import 'server-only';
import { analysisRequestSchema } from '@/lib/contract/analysis';
import { fieldErrors } from '@/lib/contract/field-errors';
import { appError } from '@/lib/http/errors';
import { readJson } from '@/lib/http/handler';
import { annotateRequestLog } from '@/lib/request-context';
import { verifyAnalysisToken } from './analysis-token';

/** The blob a POST /api/analysis names, once its body and token have been checked. */
export async function acceptAnalysisRequest(request: Request): Promise<string> {
  const parsed = analysisRequestSchema.safeParse(await readJson(request));
  if (!parsed.success) throw appError('invalid_request', { fields: fieldErrors(parsed.error) });
  const blobId = await verifyAnalysisToken(parsed.data.token);
  annotateRequestLog({ blob_id: blobId });
  return blobId;
}
