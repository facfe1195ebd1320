import 'server-only';
import { getEnv } from '@/lib/env';
import type { AnalysisReport } from './analyze-blob';

/** One JSON line per analysis, like the request log (ids only; never text from the file). */
export function logAnalysis(report: AnalysisReport): void {
  if (getEnv().NODE_ENV === 'test') return;
  console.log(
    JSON.stringify({
      time: new Date().toISOString(),
      level: report.status === 'analyzed' ? 'info' : 'warn',
      event: 'blob_analysis',
      blob_id: report.blobId,
      status: report.status,
      ...(report.error ? { error: report.error } : {}),
      pages: report.pageCount,
      duration_ms: report.durationMs,
      peak_rss_growth_mb: Math.round(report.peakRssGrowthBytes / 1024 / 1024),
    }),
  );
}
