// The `::error` annotations a GitHub Actions run shows on its summary page: failed cells grouped
// by root cause (outcome and symbol, signal or first line of the reason), largest group first,
// each naming how many cells and a few of them. GitHub shows only the first 10 error annotations
// of a step, so there are never more: past 9 groups, the 10th sums up the rest.
import type { CellResult, RunResults } from '../results/run-results.ts';
import { workflowCommand } from './github-commands.ts';
import { expectedList, outcomeWithCause } from './wording.ts';
import { rerunCommand } from './rerun.ts';

export const MAX_ANNOTATIONS = 10;
const IDS_SHOWN = 3;
const CAUSE_LENGTH = 120;

export interface CauseGroup {
  /** `undefined-symbol PyObject_SelfIter`, `crash SIGSEGV`, `build-error: E: Unable to locate package`. */
  cause: string;
  cells: CellResult[];
}

/** The root cause failed cells share: the outcome, its symbol or signal, else the reason's first line. */
export function rootCause(cell: CellResult): string {
  const withCause = outcomeWithCause(cell);
  if (withCause !== cell.outcome || !cell.reason) return withCause;
  const line = cell.reason.split('\n').find((l) => l.trim() !== '')?.trim() ?? '';
  return line ? `${cell.outcome}: ${line.length > CAUSE_LENGTH ? `${line.slice(0, CAUSE_LENGTH - 1)}…` : line}` : withCause;
}

/** Failed cells by root cause, largest group first (then first seen). */
export function groupFailures(cells: CellResult[]): CauseGroup[] {
  const groups = new Map<string, CellResult[]>();
  for (const cell of cells.filter((c) => c.verdict === 'fail')) {
    const cause = rootCause(cell);
    groups.set(cause, [...(groups.get(cause) ?? []), cell]);
  }
  return [...groups].map(([cause, members]) => ({ cause, cells: members })).sort((a, b) => b.cells.length - a.cells.length);
}

const cellsWord = (n: number) => `${n} ${n === 1 ? 'cell' : 'cells'}`;

function idList(cells: CellResult[]): string {
  const shown = cells.slice(0, IDS_SHOWN).map((cell) => cell.id);
  return shown.join(', ') + (cells.length > IDS_SHOWN ? ` and ${cells.length - IDS_SHOWN} more` : '');
}

export function annotationLines(results: RunResults): string[] {
  const groups = groupFailures(results.cells);
  const shown = groups.length > MAX_ANNOTATIONS ? groups.slice(0, MAX_ANNOTATIONS - 1) : groups;
  const lines = shown.map(({ cause, cells }) => {
    const expected = [...new Set(cells.map((cell) => expectedList(cell.expected)))].join(' / ');
    const message = [
      `${cellsWord(cells.length)} expected ${expected}, got ${cause}: ${idList(cells)}`,
      `Rerun one: ${rerunCommand(results.matrixFile, cells[0]!.id)}`,
    ].join('\n');
    return workflowCommand('error', { title: `dlmatrix: ${cellsWord(cells.length)} ${cause}` }, message);
  });
  const rest = groups.slice(shown.length);
  if (rest.length > 0) {
    const count = rest.reduce((n, group) => n + group.cells.length, 0);
    const causes = rest.map((group) => `${group.cause} (${group.cells.length})`).join(', ');
    lines.push(workflowCommand('error', { title: `dlmatrix: ${cellsWord(count)} with ${rest.length} other root causes` }, `${causes}. See the job summary and index.html.`));
  }
  return lines;
}
