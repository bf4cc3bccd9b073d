// A run into a folder whose last journal was never turned into reports keeps it: every killed run
// gets its own folder with its reports, a journal is never overwritten (not when its reports cannot
// be written, not when it cannot be read), and a journal whose reports were written is replaced.
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { headerOf } from '../results/assemble.ts';
import { JOURNAL_FILE } from '../results/journal.ts';
import { JournalReporter } from '../report/journal-reporter.ts';
import { makeCell, makeResults } from '../test-support/make-results.ts';
import { fill, smallFilesystem } from '../test-support/small-filesystem.ts';
import { captureOutput } from '../test-support/capture-output.ts';
import { keepInterruptedRun } from './interrupted-runs.ts';

const cells = [makeCell({ axes: { loader: 'c' } }), makeCell({ axes: { loader: 'rust' } }), makeCell({ axes: { loader: 'node' } })];
const planned = cells.map(({ id, axes, environment, expected }) => ({ id, axes, environment, expected }));

/** The journal a run killed after `finished` cells leaves in `dir`; with `ended`, one that wrote its reports. */
function killedRun(dir: string, finished: number, startedAt: string, ended = false): string {
  const journal = new JournalReporter(join(dir, JOURNAL_FILE), { ...headerOf(makeResults(cells)), startedAt }, planned);
  journal.onBegin();
  for (const cell of cells.slice(0, finished)) journal.onCellEnd(cell);
  if (ended) {
    journal.finish({ header: headerOf(makeResults(cells)), finishedAt: startedAt, interrupted: false, environments: [], cells });
    journal.end();
  }
  journal.close();
  return readFileSync(join(dir, JOURNAL_FILE), 'utf8');
}

function keep(dir: string) {
  const said: string[] = [];
  return keepInterruptedRun(dir, 'reports', (line) => said.push(line)).then((target) => ({ target, said }));
}

const output = captureOutput();

describe('keepInterruptedRun', () => {
  it('keeps every killed run in its own folder, with its journal and its reports', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dlmatrix-kept-'));
    const first = killedRun(dir, 1, '2026-01-01T10:00:00.000Z');
    const a = await keep(dir);
    expect(a.target).toBe(join(dir, 'interrupted-run'));
    expect(a.said).toEqual(['dlmatrix: the previous run into reports was killed: recovered 1 finished cells of an interrupted run; 2 not run; its reports are in reports/interrupted-run']);
    expect(existsSync(join(dir, JOURNAL_FILE))).toBe(false);

    killedRun(dir, 2, '2026-01-01T11:00:00.000Z');
    const b = await keep(dir);
    expect(b.target).toBe(join(dir, 'interrupted-run-2'));
    // The first one is still there, untouched.
    expect(readFileSync(join(dir, 'interrupted-run', JOURNAL_FILE), 'utf8')).toBe(first);
    for (const [folder, started] of [['interrupted-run', '2026-01-01T10:00:00.000Z'], ['interrupted-run-2', '2026-01-01T11:00:00.000Z']]) {
      expect(readdirSync(join(dir, folder!)).sort()).toEqual(['index.html', 'junit.xml', 'results.json', JOURNAL_FILE].sort());
      expect(JSON.parse(readFileSync(join(dir, folder!, 'results.json'), 'utf8')).startedAt).toBe(started);
    }
  });

  it('replaces nothing and keeps nothing when the last run wrote its reports', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dlmatrix-kept-'));
    killedRun(dir, 3, '2026-01-01T10:00:00.000Z', true);
    expect(await keep(dir)).toEqual({ target: undefined, said: [] });
    expect(readdirSync(dir)).toEqual([JOURNAL_FILE]);
  });

  it('keeps a journal it cannot read as it was, saying why', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dlmatrix-kept-'));
    writeFileSync(join(dir, JOURNAL_FILE), 'null\n');
    const { target, said } = await keep(dir);
    expect(readFileSync(join(target!, JOURNAL_FILE), 'utf8')).toBe('null\n');
    expect(said).toEqual([
      `dlmatrix: the journal of the previous run into reports cannot be read, so it is kept as it was in reports/interrupted-run: ${join(target!, JOURNAL_FILE)}:1: not a dlmatrix journal (its first line must be a "begin" record; expected a JSON object, got null)`,
    ]);
  });

  it('keeps the journal when its reports cannot be written (a full disk), and says how to write them later', async () => {
    const dir = smallFilesystem('256k');
    const journal = killedRun(dir, 1, '2026-01-01T10:00:00.000Z');
    fill(dir);
    const { target, said } = await keep(dir);
    expect(target).toBe(join(dir, 'interrupted-run'));
    expect(readFileSync(join(target!, JOURNAL_FILE), 'utf8')).toBe(journal);
    expect(output.stderr).toContain('no space left on the device (ENOSPC)');
    expect(said.at(-1)).toBe(
      'dlmatrix: the previous run into reports was killed; its reports could not be written, its journal is kept in reports/interrupted-run (`dlmatrix report reports/interrupted-run` writes them)',
    );
  });
});
