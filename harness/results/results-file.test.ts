import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeCell, makeResults } from '../test-support/make-results.ts';
import { readResultsFile, writeResultsFile } from './results-file.ts';
import { summarize } from './summary.ts';

const temp = () => mkdtempSync(join(tmpdir(), 'dlmatrix-results-'));

describe('writeResultsFile / readResultsFile', () => {
  it('round-trips, creating the folder and leaving no temp file', () => {
    const dir = join(temp(), 'nested', 'out');
    const path = join(dir, 'results.json');
    const results = makeResults([makeCell(), makeCell({ axes: { loader: 'rust' } })]);
    writeResultsFile(path, results);
    expect(readResultsFile(path)).toEqual(results);
    expect(readdirSync(dir)).toEqual(['results.json']);
  });

  it('reads the realistic fixture used by the report tests', () => {
    const results = readResultsFile(join(import.meta.dirname, '../report/fixtures/results.real.json'));
    expect(results.cells.length).toBeGreaterThan(0);
    expect(results.summary).toEqual(summarize(results.cells));
  });

  it('recomputes a missing summary', () => {
    const path = join(temp(), 'results.json');
    const { summary, ...rest } = makeResults([makeCell({ verdict: 'fail', outcome: 'crash' })]);
    writeFileSync(path, JSON.stringify(rest));
    expect(readResultsFile(path).summary).toEqual(summary);
  });

  it('recomputes missing findings (files from before they existed)', () => {
    const path = join(temp(), 'results.json');
    const { findings, ...rest } = makeResults([makeCell(), makeCell({ axes: { flags: 'RTLD_LOCAL|RTLD_NOW' }, outcome: 'undefined-symbol', symbol: 'PyObject_SelfIter' })]);
    writeFileSync(path, JSON.stringify(rest));
    expect(findings.statements[0]!.decidedBy).toEqual(['flags']);
    expect(readResultsFile(path).findings).toEqual(findings);
  });

  it('names the file when it is missing or not JSON', () => {
    const dir = temp();
    expect(() => readResultsFile(join(dir, 'nope.json'))).toThrow(`${join(dir, 'nope.json')}: cannot read results file`);
    const path = join(dir, 'broken.json');
    writeFileSync(path, '{"schemaVersion": 1,');
    expect(() => readResultsFile(path)).toThrow(`${path}: not valid JSON`);
  });

  it('rejects another schema version, saying which one it reads', () => {
    const path = join(temp(), 'results.json');
    writeFileSync(path, JSON.stringify({ ...makeResults([]), schemaVersion: 2 }));
    expect(() => readResultsFile(path)).toThrow(/results\.json: schemaVersion 2 is not supported \(this dlmatrix reads version 1\)/);
  });

  it('rejects a JSON file that is not a results file', () => {
    const path = join(temp(), 'package.json');
    writeFileSync(path, JSON.stringify({ name: 'x' }));
    expect(() => readResultsFile(path)).toThrow(`${path}: not a valid dlmatrix results file: no schemaVersion`);
  });

  it('names the fields that are wrong', () => {
    const path = join(temp(), 'results.json');
    const results = makeResults([makeCell()]) as unknown as { cells: Record<string, unknown>[] };
    results.cells[0]!.outcome = 'exploded';
    delete (results.cells[0]!.axes as Record<string, unknown>).flags;
    writeFileSync(path, JSON.stringify(results));
    let message = '';
    try {
      readResultsFile(path);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain(path);
    expect(message).toContain('cells[0].axes.flags must be a string');
    expect(message).toContain('cells[0].outcome must be one of loaded, undefined-symbol');
    expect(readFileSync(path, 'utf8')).toContain('exploded'); // reading never rewrites the file
  });
});
