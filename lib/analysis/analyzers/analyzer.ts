import 'server-only';
import type { AnalysisLimits, WorkerOutcome } from '../run-analysis-worker';

/**
 * An analyzer, as Active Storage's: it says which files it takes (`accept`, by content type) and
 * analyzes one file's bytes within the limits. The first one in the list (index.ts) that accepts a
 * blob analyzes it.
 */
export interface Analyzer {
  name: string;
  accept(contentType: string): boolean;
  analyze(bytes: Uint8Array, limits: AnalysisLimits): Promise<WorkerOutcome>;
}
