// results.jsonl: the run written down as it happens, one JSON object per line, so that nothing
// already gathered is lost when dlmatrix dies without writing results.json (kill -9, a CI cancel,
// the machine going down, a full disk). `dlmatrix report DIR`, or the next run into DIR, turns it
// back into results, the cells that never finished marked as not run.
//   {"type":"begin","header":{...},"planned":[cells]}   the run and every cell it will run
//   {"type":"environment","environment":{...}}           an environment got ready (or failed); the last line of a key wins
//   {"type":"cell","cell":{...}}                         a cell finished
//   {"type":"finish","finishedAt":"...","interrupted":b} the run is over: every cell of results.json is above
//   {"type":"end"}                                       results.json and the reports were written
// (Journals of older versions end with {"type":"end","finishedAt":"..."}, which means both.)
// Reading checks every line at this boundary: a line that is not what it claims to be is named
// (file:line) and left out, and what is valid is kept.
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import type { RunRecord } from './assemble.ts';
import { readLines } from './line-reader.ts';
import { stoppedBeforeRun, type PlannedCellRef } from './not-run.ts';
import type { CellResult, EnvironmentInfo, RunHeader } from './run-results.ts';
import { cellProblems, environmentProblems, headerProblems, isObject, plannedCellProblems } from './validate.ts';
import { keptOutput } from './cell-output.ts';
import { SharedValues } from './shared-values.ts';

export const JOURNAL_FILE = 'results.jsonl';
export const UNFINISHED_REASON = 'not run: the run ended before this cell finished (dlmatrix was killed or the machine stopped)';

export type JournalLine =
  | { type: 'begin'; header: RunHeader; planned: PlannedCellRef[] }
  | { type: 'environment'; environment: EnvironmentInfo }
  | { type: 'cell'; cell: CellResult }
  | { type: 'finish'; finishedAt: string; interrupted: boolean }
  | { type: 'end'; finishedAt?: string };

export interface RecoveredRun {
  record: RunRecord;
  /** The run wrote its `end` line: its reports were written. */
  complete: boolean;
  /** The run got to its end (a `finish` line): every cell it had is in the journal. */
  finished: boolean;
  /** Planned cells without a result in the journal, now not-run cells. */
  unfinished: number;
  /** Lines that were left out, each as `FILE:LINE: what is wrong`. */
  problems: string[];
}

/** A journal with nothing to recover: not a journal, empty, or its `begin` line is unusable. */
export class JournalError extends Error {}

export function readJournal(path: string): RecoveredRun {
  let begin: Extract<JournalLine, { type: 'begin' }> | undefined;
  const environments = new Map<string, EnvironmentInfo>();
  const cells = new Map<string, CellResult>();
  let finish: { finishedAt: string; interrupted: boolean } | undefined;
  let ended = false;
  const problems: string[] = [];
  const shared = new SharedValues();
  try {
    for (const { number, text, terminated } of readLines(path)) {
      if (!text.trim()) continue;
      const where = `${path}:${number}`;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        // The last line may have been cut short by the kill: what came before it still counts.
        if (!terminated && begin) continue;
        if (!terminated) throw new JournalError(`${where}: the journal's "begin" record is cut short (the run was killed as it started): nothing to recover`);
        if (!begin) throw new JournalError(`${where}: not a dlmatrix journal (its first line is not JSON)`);
        problems.push(`${where}: not JSON; line left out`);
        continue;
      }
      const line = checkLine(value);
      if (!begin) {
        if (!line.ok || line.value.type !== 'begin') {
          throw new JournalError(`${where}: not a dlmatrix journal (its first line must be a "begin" record${line.ok ? '' : `; ${line.problem}`})`);
        }
        begin = line.value;
        continue;
      }
      if (!line.ok) {
        problems.push(`${where}: ${line.problem}; line left out`);
        continue;
      }
      const record = line.value;
      if (record.type === 'environment') environments.set(record.environment.key, record.environment);
      else if (record.type === 'cell') cells.set(record.cell.id, shared.cell({ ...record.cell, resolved: record.cell.resolved ?? {}, output: keptOutput(record.cell.output) }));
      else if (record.type === 'finish') finish = { finishedAt: record.finishedAt, interrupted: record.interrupted };
      else if (record.type === 'end') {
        ended = true;
        if (record.finishedAt && !finish) finish = { finishedAt: record.finishedAt, interrupted: false };
      } else problems.push(`${where}: a second "begin" record; line left out`);
    }
  } catch (error) {
    if (error instanceof JournalError) throw error;
    throw new JournalError(`${path}: cannot read the journal (${(error as Error).message})`);
  }
  if (!begin) throw new JournalError(`${path}: empty journal: the run wrote nothing (it has no "begin" record)`);

  const planned = begin.planned;
  const all = planned.map((cell) => cells.get(cell.id) ?? stoppedBeforeRun(cell, UNFINISHED_REASON));
  const unfinished = planned.filter((cell) => !cells.has(cell.id)).length;
  // Without a `finish` line, the journal's last write is when the run was last seen alive.
  const finishedAt = finish?.finishedAt ?? statSync(path).mtime.toISOString();
  const order = [...new Set(planned.map((cell) => cell.environment))];
  return {
    complete: ended,
    finished: finish !== undefined,
    unfinished,
    problems,
    record: {
      header: begin.header,
      finishedAt,
      interrupted: finish === undefined || finish.interrupted || unfinished > 0,
      environments: order.map((key) => environments.get(key) ?? plannedEnvironment(key, planned)),
      cells: all,
    },
  };
}

/** Whether the journal's last line is its `end` record (read from the file's tail only). */
export function journalEnded(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const length = Math.min(size, 64 * 1024);
    const tail = Buffer.alloc(length);
    readSync(fd, tail, 0, length, size - length);
    const last = tail.toString('utf8').trimEnd().split('\n').at(-1) ?? '';
    try {
      const value = JSON.parse(last) as { type?: unknown };
      return value?.type === 'end';
    } catch {
      return false;
    }
  } finally {
    closeSync(fd);
  }
}

type Checked = { ok: true; value: JournalLine } | { ok: false; problem: string };

/** One line's shape, by its type; the first problem found, in words. */
function checkLine(value: unknown): Checked {
  if (!isObject(value)) return { ok: false, problem: `expected a JSON object, got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}` };
  const first = (problems: string[]): Checked => (problems.length ? { ok: false, problem: problems.slice(0, 3).join('; ') } : { ok: true, value: value as JournalLine });
  switch (value.type) {
    case 'begin': {
      if (!isObject(value.header)) return { ok: false, problem: 'a "begin" record without its header' };
      if (!Array.isArray(value.planned)) return { ok: false, problem: 'a "begin" record whose "planned" is not a list of cells' };
      const bad = value.planned.findIndex((cell) => plannedCellProblems(cell, '').length > 0);
      if (bad >= 0) return first(plannedCellProblems(value.planned[bad], `planned[${bad}]`));
      return first(headerProblems(value.header, 'header'));
    }
    case 'environment':
      return first(environmentProblems(value.environment, 'environment'));
    case 'cell':
      return first(cellProblems(value.cell, 'cell'));
    case 'finish':
      return first([
        ...(typeof value.finishedAt === 'string' ? [] : ['finishedAt must be a string']),
        ...(typeof value.interrupted === 'boolean' ? [] : ['interrupted must be true or false']),
      ]);
    case 'end':
      return first(value.finishedAt === undefined || typeof value.finishedAt === 'string' ? [] : ['finishedAt must be a string']);
    default:
      return { ok: false, problem: `unknown record type ${JSON.stringify(value.type) ?? 'undefined'}` };
  }
}

function plannedEnvironment(key: string, planned: PlannedCellRef[]): EnvironmentInfo {
  const { distro, python, numpy } = planned.find((cell) => cell.environment === key)!.axes;
  return { key, distro, python, numpy, resolved: {} };
}
