import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analysisFailures, describeAnalysisFailure } from '@/lib/analysis/failures';

const analysisFolder = path.resolve(import.meta.dirname, '../../lib/analysis');

/** Every code recorded anywhere in lib/analysis: thrown by the worker's analyzers or set by the server. */
function codesInSource(): Set<string> {
  const codes = new Set<string>();
  const files = readdirSync(analysisFolder, { recursive: true, encoding: 'utf8' }).filter((file) => /\.(mjs|ts)$/.test(file) && file !== 'failures.ts');
  for (const file of files) {
    const source = readFileSync(path.join(analysisFolder, file), 'utf8');
    for (const match of source.matchAll(/new AnalysisFailure\(\s*'([a-z_]+)'|\bfail\('([a-z_]+)'|\bcode: '([a-z_]+)'|analysisError: '([a-z_]+)'/g)) {
      codes.add((match[1] ?? match[2] ?? match[3] ?? match[4])!);
    }
  }
  return codes;
}

describe('the analysis failures table (lib/analysis/failures.ts)', () => {
  it('has the recruiter’s words for every code lib/analysis records, and no code it never records', () => {
    const recorded = codesInSource();
    expect(recorded.size).toBeGreaterThan(8);
    expect([...recorded].filter((code) => !(code in analysisFailures))).toEqual([]);
    expect(Object.keys(analysisFailures).filter((code) => !recorded.has(code))).toEqual([]);
  });

  it('retries only what another attempt may change, and reads an unknown code as unreadable', () => {
    expect(Object.entries(analysisFailures).filter(([, failure]) => failure.retryable).map(([code]) => code)).toEqual(['timeout', 'analysis_error']);
    expect(describeAnalysisFailure('unpacked_too_large')).toBe('it unpacks to far more than a resume (a zip bomb?)');
    expect(describeAnalysisFailure('from_an_older_version')).toBe('it could not be read');
    expect(describeAnalysisFailure(null)).toBe('it could not be read');
  });
});
