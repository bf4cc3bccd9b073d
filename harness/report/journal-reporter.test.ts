// The journal written as cells finish, read back after the writer died mid-run, after it finished,
// and when it is damaged.
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assembleResults, headerOf, type RunRecord } from '../results/assemble.ts';
import { JournalError, readJournal, UNFINISHED_REASON } from '../results/journal.ts';
import { stoppedBeforeRun } from '../results/not-run.ts';
import { resultsJson } from '../results/results-file.ts';
import { OUTCOMES } from '../results/run-results.ts';
import { makeCell, makeResults } from '../test-support/make-results.ts';
import { JournalReporter } from './journal-reporter.ts';

const cells = [
  makeCell({ axes: { flags: 'RTLD_LOCAL|RTLD_NOW' }, outcome: 'undefined-symbol', symbol: 'PyObject_SelfIter', expected: ['undefined-symbol'] }),
  makeCell({ axes: { flags: 'RTLD_GLOBAL|RTLD_NOW' } }),
  makeCell({ axes: { flags: 'linked' } }),
];
const sample = makeResults(cells);
const header = headerOf(sample);
const planned = cells.map(({ id, axes, environment, expected }) => ({ id, axes, environment, expected }));
const temp = () => join(mkdtempSync(join(tmpdir(), 'journal-')), 'results.jsonl');

function journalOf(finished: number): { path: string; journal: JournalReporter } {
  const path = temp();
  const journal = new JournalReporter(path, header, planned);
  journal.onBegin();
  journal.onEnvironmentReady(sample.environments[0]!);
  for (const cell of cells.slice(0, finished)) journal.onCellEnd(cell);
  return { path, journal };
}

const text = (record: RunRecord) => [...resultsJson(assembleResults(record).results)].join('');

describe('journal', () => {
  it('gives back the finished cells of a killed run; the others should have run and did not', () => {
    const { path, journal } = journalOf(2);
    journal.close();
    // kill -9 in the middle of a write: a cut last line.
    appendFileSync(path, '{"type":"cell","cell":{"id":"bookw');
    const { record, complete, unfinished, problems } = readJournal(path);
    expect([complete, unfinished, problems]).toEqual([false, 1, []]);
    const { results } = assembleResults(record);
    expect(results.interrupted).toBe(true);
    expect(results.cells.map((c) => c.outcome)).toEqual(['undefined-symbol', 'loaded', 'skipped']);
    expect(results.cells[2]).toMatchObject({ reason: UNFINISHED_REASON, verdict: 'fail', attempts: 0 });
    expect(results.summary).toMatchObject({ total: 3, passed: 2, notRun: 1, failed: 0 });
    expect(results.environments).toEqual(sample.environments);
    expect(results.startedAt).toBe(header.startedAt);
  });

  it('gives back exactly what the run had when it finished, byte for byte, also what only the end knew', () => {
    const { path, journal } = journalOf(2);
    // The run ends: the third cell was stopped before it ran, an environment changed after its line.
    const environment = { ...sample.environments[0]!, buildMs: 99 };
    const record: RunRecord = {
      header,
      finishedAt: '2025-11-24T21:30:00.000Z',
      interrupted: true,
      environments: [environment],
      cells: [cells[0]!, cells[1]!, stoppedBeforeRun(planned[2]!, 'not run: --fail-fast stopped the run after a failure')],
    };
    journal.finish(record);
    expect(readJournal(path).complete).toBe(false); // finished, but no report was written yet
    journal.end();
    const recovered = readJournal(path);
    expect([recovered.complete, recovered.unfinished]).toEqual([true, 0]);
    expect(text(recovered.record)).toBe(text(record));
  });

  it('reads a journal of an older version, whose `end` line carried the finish time', () => {
    const { path, journal } = journalOf(3);
    journal.close();
    appendFileSync(path, '{"type":"end","finishedAt":"2025-11-24T21:21:19.289Z"}\n');
    const { complete, unfinished, record } = readJournal(path);
    expect([complete, unfinished, record.interrupted, record.finishedAt]).toEqual([true, 0, false, '2025-11-24T21:21:19.289Z']);
  });
});

describe('a damaged journal', () => {
  const fails = (content: string | Buffer) => {
    const path = temp();
    writeFileSync(path, content);
    let error: unknown;
    try {
      readJournal(path);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(JournalError);
    return (error as Error).message.replace(path, 'JOURNAL');
  };
  const begin = JSON.stringify({ type: 'begin', header, planned });

  it('with nothing to recover is a JournalError naming the file, the line and what is wrong', () => {
    expect(fails('')).toBe('JOURNAL: empty journal: the run wrote nothing (it has no "begin" record)');
    expect(fails(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 10, 0xff, 0xfe]))).toBe('JOURNAL:1: not a dlmatrix journal (its first line is not JSON)');
    expect(fails(begin.slice(0, 40))).toMatch(/^JOURNAL:1: the journal's "begin" record is cut short/);
    expect(fails('null\n')).toBe('JOURNAL:1: not a dlmatrix journal (its first line must be a "begin" record; expected a JSON object, got null)');
    expect(fails('{"schemaVersion":1}\n')).toBe('JOURNAL:1: not a dlmatrix journal (its first line must be a "begin" record; unknown record type undefined)');
    expect(fails(`${JSON.stringify({ type: 'begin', header, planned: 'abc' })}\n`)).toMatch(/^JOURNAL:1: .*"planned" is not a list of cells/);
    expect(fails(`${JSON.stringify({ type: 'begin', header, planned: [{ id: 1 }] })}\n`)).toMatch(/^JOURNAL:1: .*planned\[0\]\.id must be a string/);
  });

  it('keeps what is valid and names each line it left out', () => {
    const path = temp();
    const lines = [begin, 'null', '{"type":"cell"}', JSON.stringify({ type: 'cell', cell: cells[0] }), 'not json', '{"type":"party"}', JSON.stringify({ type: 'cell', cell: cells[1] })];
    writeFileSync(path, `${lines.join('\n')}\n`);
    const { record, problems, unfinished } = readJournal(path);
    expect(problems).toEqual([
      `${path}:2: expected a JSON object, got null; line left out`,
      `${path}:3: cell must be an object; line left out`,
      `${path}:5: not JSON; line left out`,
      `${path}:6: unknown record type "party"; line left out`,
    ]);
    expect(record.cells.map((c) => c.verdict)).toEqual(['pass', 'pass', 'fail']);
    expect(unfinished).toBe(1);
  });

  it('names the field of a cell line that is not a cell', () => {
    const path = temp();
    writeFileSync(path, `${begin}\n${JSON.stringify({ type: 'cell', cell: { ...cells[0], outcome: 'exploded', output: null } })}\n`);
    expect(readJournal(path).problems).toEqual([
      `${path}:2: cell.outcome must be one of ${OUTCOMES.join(', ')}; cell.output must be {stdout: string, stderr: string}; line left out`,
    ]);
    expect(readFileSync(path, 'utf8')).toContain('exploded'); // reading never rewrites the file
  });
});
