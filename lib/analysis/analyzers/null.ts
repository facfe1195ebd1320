import 'server-only';
import type { Analyzer } from './analyzer';

/** Takes any file no other analyzer takes, and records that there is no analysis for its type. */
export const nullAnalyzer: Analyzer = {
  name: 'null',
  accept: () => true,
  analyze: async () => ({
    ok: false,
    failure: { code: 'no_analyzer', message: 'There is no analysis for this type of file.' },
    stats: { durationMs: 0, peakRssGrowthBytes: 0 },
  }),
};
