import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeCell, makeResults } from '../test-support/make-results.ts';
import { readResultsFile } from '../results/results-file.ts';
import { JsonReporter } from './json-reporter.ts';

describe('JsonReporter', () => {
  it('writes a results.json that reads back equal', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'dlmatrix-json-')), 'out', 'results.json');
    const results = makeResults([makeCell(), makeCell({ axes: { loader: 'rust' }, outcome: 'timeout', verdict: 'fail' })]);
    new JsonReporter(path).onEnd(results);
    expect(readResultsFile(path)).toEqual(results);
  });
});
