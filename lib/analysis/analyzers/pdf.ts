import 'server-only';
import { fileTypes } from '@/lib/contract/file-types';
import { runAnalysisWorker } from '../run-analysis-worker';
import type { Analyzer } from './analyzer';

/** PDF.js in the worker thread: page count, the PDF's metadata, its text and a first-page preview. */
export const pdfAnalyzer: Analyzer = {
  name: 'pdf',
  accept: (contentType) => contentType === fileTypes.pdf.contentType,
  analyze: (bytes, limits) => runAnalysisWorker('pdf', bytes, limits),
};
