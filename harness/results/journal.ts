// results.jsonl: the run written down as it happens, one JSON object per line, so that nothing
// already gathered is lost when dlmatrix dies without writing results.json (kill -9, a CI cancel,
// the machine going down). `dlmatrix report DIR`, or the next run into DIR, turns it back into
// results, the cells that never finished marked as not run.
//   {"type":"begin","header":{...},"planned":[cells]}   the run and every cell it will run
//   {"type":"environment","environment":{...}}           an environment got ready (or failed)
//   {"type":"cell","cell":{...}}                         a cell finished
//   {"type":"end","finishedAt":"..."}                    results.json and the reports were written
import { readFileSync, statSync } from 'node:fs';
import { computeFindings } from './findings.ts';
import type { PlannedCellRef } from './merge.ts';
import { summarize } from './results-file.ts';
import type { CellResult, EnvironmentInfo, RunResults } from './run-results.ts';

export const JOURNAL_FILE = 'results.jsonl';
export const UNFINISHED_REASON = 'not run: the run ended before this cell finished (dlmatrix was killed or the machine stopped)';

/** What is known of a run when it starts. */
export type JournalHeader = Omit<RunResults, 'finishedAt' | 'durationMs' | 'interrupted' | 'environments' | 'cells' | 'summary' | 'findings'>;

export type JournalLine =
  | { type: 'begin'; header: JournalHeader; planned: PlannedCellRef[] }
  | { type: 'environment'; environment: EnvironmentInfo }
  | { type: 'cell'; cell: CellResult }
  | { type: 'end'; finishedAt: string };

export interface RecoveredRun {
  results: RunResults;
  /** The run wrote its `end` line: its results.json is complete already. */
  complete: boolean;
  /** Planned cells without a result in the journal. */
  unfinished: number;
}

export class JournalError extends Error {}

export function readJournal(path: string): RecoveredRun {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new JournalError(`${path}: cannot read the journal (${(error as Error).message})`);
  }
  let begin: Extract<JournalLine, { type: 'begin' }> | undefined;
  const environments = new Map<string, EnvironmentInfo>();
  const cells = new Map<string, CellResult>();
  let finishedAt: string | undefined;
  for (const [index, raw] of text.split('\n').entries()) {
    if (!raw.trim()) continue;
    let line: JournalLine;
    try {
      line = JSON.parse(raw) as JournalLine;
    } catch {
      // The last line may have been cut short by the kill: what came before it still counts.
      continue;
    }
    if (index === 0 && line.type !== 'begin') throw new JournalError(`${path}: not a dlmatrix journal (its first line is not a "begin" record)`);
    if (line.type === 'begin') begin = line;
    else if (line.type === 'environment') environments.set(line.environment.key, line.environment);
    else if (line.type === 'cell') cells.set(line.cell.id, line.cell);
    else if (line.type === 'end') finishedAt = line.finishedAt;
  }
  if (!begin) throw new JournalError(`${path}: empty journal`);
  const all = begin.planned.map((cell) => cells.get(cell.id) ?? unfinishedCell(cell));
  const unfinished = all.filter((cell) => cell.reason === UNFINISHED_REASON).length;
  // Without an `end` line, the journal's last write is when the run was last seen alive.
  const lastResult = finishedAt ?? statSync(path).mtime.toISOString();
  const order = [...new Set(begin.planned.map((cell) => cell.environment))];
  return {
    complete: finishedAt !== undefined,
    unfinished,
    results: {
      ...begin.header,
      finishedAt: lastResult,
      durationMs: Math.max(0, Date.parse(lastResult) - Date.parse(begin.header.startedAt)),
      interrupted: finishedAt === undefined || unfinished > 0,
      environments: order.map((key) => environments.get(key) ?? plannedEnvironment(key, begin!.planned)),
      cells: all,
      summary: summarize(all),
      findings: computeFindings(all),
    },
  };
}

function unfinishedCell(cell: PlannedCellRef): CellResult {
  return {
    ...cell,
    resolved: {},
    outcome: 'skipped',
    reason: UNFINISHED_REASON,
    verdict: cell.expected.includes('skipped') ? 'pass' : 'skip',
    durationMs: 0,
    attempts: 0,
    output: { stdout: '', stderr: '' },
  };
}

function plannedEnvironment(key: string, planned: PlannedCellRef[]): EnvironmentInfo {
  const { distro, python, numpy } = planned.find((cell) => cell.environment === key)!.axes;
  return { key, distro, python, numpy, resolved: {} };
}
