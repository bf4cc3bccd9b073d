import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffResults } from '../results/diff.ts';
import { makeCell, makeResults } from '../test-support/make-results.ts';
import { JUnitReporter } from './junit-reporter.ts';

describe('JUnitReporter', () => {
  it('writes junit.xml at onEnd, with the baseline diff when given one', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'dlmatrix-junit-')), 'reports');
    const cell = makeCell();
    const results = makeResults([{ ...cell, outcome: 'crash', signal: 'SIGSEGV', verdict: 'fail' }]);
    new JUnitReporter(join(dir, 'junit.xml')).onEnd(results, diffResults(makeResults([cell]), results));
    const xml = readFileSync(join(dir, 'junit.xml'), 'utf8');
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="dlmatrix" tests="1" failures="0" errors="1"/);
    expect(xml).toContain(`name="cell[c RTLD_GLOBAL|RTLD_NOW].change" value="regression"`);
    expect(readdirSync(dir)).toEqual(['junit.xml']);
  });
});
