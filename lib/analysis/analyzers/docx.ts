import 'server-only';
import { fileTypes } from '@/lib/contract/file-types';
import { runAnalysisWorker } from '../run-analysis-worker';
import type { Analyzer } from './analyzer';

/** mammoth in the worker thread: a Word document's text and properties; no preview. */
export const docxAnalyzer: Analyzer = {
  name: 'docx',
  accept: (contentType) => contentType === fileTypes.docx.contentType,
  analyze: (bytes, limits) => runAnalysisWorker('docx', bytes, limits),
};
