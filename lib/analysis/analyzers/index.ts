import 'server-only';
import type { Analyzer } from './analyzer';
import { docxAnalyzer } from './docx';
import { nullAnalyzer } from './null';
import { pdfAnalyzer } from './pdf';

// In order: the first that accepts a blob's content type analyzes it; the null analyzer takes the rest.
const analyzers: readonly Analyzer[] = [pdfAnalyzer, docxAnalyzer, nullAnalyzer];

export function analyzerFor(contentType: string): Analyzer {
  return analyzers.find((analyzer) => analyzer.accept(contentType)) ?? nullAnalyzer;
}
