// The journal written as cells finish, read back after the writer died mid-run.
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JournalError, readJournal, UNFINISHED_REASON } from '../results/journal.ts';
import { makeCell, makeResults } from '../test-support/make-results.ts';
import { JournalReporter } from './journal-reporter.ts';

const cells = [
  makeCell({ axes: { flags: 'RTLD_LOCAL|RTLD_NOW' }, outcome: 'undefined-symbol', symbol: 'PyObject_SelfIter', expected: ['undefined-symbol'] }),
  makeCell({ axes: { flags: 'RTLD_GLOBAL|RTLD_NOW' } }),
  makeCell({ axes: { flags: 'linked' } }),
];
const { cells: _c, environments, summary: _s, findings: _f, finishedAt: _e, durationMs: _d, interrupted: _i, ...header } = makeResults(cells);
const planned = cells.map(({ id, axes, environment, expected }) => ({ id, axes, environment, expected }));

function journalOf(finished: number, end: boolean): string {
  const path = join(mkdtempSync(join(tmpdir(), 'journal-')), 'results.jsonl');
  const journal = new JournalReporter(path, header, planned);
  journal.onBegin();
  journal.onEnvironmentReady(environments[0]);
  for (const cell of cells.slice(0, finished)) journal.onCellEnd(cell);
  if (end) journal.onEnd(makeResults(cells));
  return path;
}

describe('journal', () => {
  it('gives back the finished cells of a killed run and marks the others not run', () => {
    const path = journalOf(2, false);
    // kill -9 in the middle of a write: a cut last line.
    appendFileSync(path, '{"type":"cell","cell":{"id":"bookw');
    const { results, complete, unfinished } = readJournal(path);
    expect(complete).toBe(false);
    expect(unfinished).toBe(1);
    expect(results.interrupted).toBe(true);
    expect(results.cells.map((c) => c.outcome)).toEqual(['undefined-symbol', 'loaded', 'skipped']);
    expect(results.cells[2]).toMatchObject({ reason: UNFINISHED_REASON, verdict: 'skip', attempts: 0 });
    expect(results.summary).toMatchObject({ total: 3, passed: 2, skipped: 1 });
    expect(results.environments).toEqual(environments);
    expect(results.startedAt).toBe(header.startedAt);
  });

  it('knows a run that finished', () => {
    const { complete, unfinished, results } = readJournal(journalOf(3, true));
    expect([complete, unfinished, results.interrupted]).toEqual([true, 0, false]);
  });

  it('refuses a file that is not a journal', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'journal-')), 'results.jsonl');
    writeFileSync(path, '{"schemaVersion":1}\n');
    expect(() => readJournal(path)).toThrow(JournalError);
    expect(readFileSync(journalOf(0, false), 'utf8').split('\n')[0]).toContain('"type":"begin"');
  });
});
