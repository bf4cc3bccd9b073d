// Compares two runs cell by cell (matched by id) so CI can say what a change broke or fixed,
// not just what is red now.
import type { CellAxes, CellResult, Outcome, RunResults, Verdict } from './run-results.ts';

export type ChangeKind = 'regression' | 'fix' | 'changed' | 'new' | 'removed';

/** Most alarming first: the order changes are listed in. */
export const CHANGE_KINDS: readonly ChangeKind[] = ['regression', 'fix', 'changed', 'new', 'removed'];

export interface CellState {
  outcome: Outcome;
  verdict: Verdict;
}

export interface CellChange {
  id: string;
  axes: CellAxes;
  kind: ChangeKind;
  /** Absent for `new` cells. */
  before?: CellState;
  /** Absent for `removed` cells. */
  after?: CellState;
}

export interface ResultsDiff {
  /** Sorted by kind (regressions first), then by id. */
  changes: CellChange[];
  counts: Record<ChangeKind, number>;
  /** Cells present in both runs with the same outcome and verdict. */
  unchanged: number;
}

const state = (cell: CellResult): CellState => ({ outcome: cell.outcome, verdict: cell.verdict });

/** How a cell present in both runs changed, or undefined when it did not. */
export function classifyChange(before: CellState, after: CellState): ChangeKind | undefined {
  if (before.outcome === after.outcome && before.verdict === after.verdict) return undefined;
  if (before.verdict !== 'fail' && after.verdict === 'fail') return 'regression';
  if (before.outcome === 'loaded' && after.outcome !== 'loaded') return 'regression';
  if (before.verdict === 'fail' && after.verdict === 'pass') return 'fix';
  return 'changed';
}

export function diffResults(baseline: RunResults, current: RunResults): ResultsDiff {
  const changes: CellChange[] = [];
  let unchanged = 0;
  const before = new Map(baseline.cells.map((cell) => [cell.id, cell]));
  for (const cell of current.cells) {
    const old = before.get(cell.id);
    before.delete(cell.id);
    if (!old) {
      changes.push({ id: cell.id, axes: cell.axes, kind: 'new', after: state(cell) });
      continue;
    }
    const kind = classifyChange(state(old), state(cell));
    if (kind) changes.push({ id: cell.id, axes: cell.axes, kind, before: state(old), after: state(cell) });
    else unchanged++;
  }
  for (const old of before.values()) changes.push({ id: old.id, axes: old.axes, kind: 'removed', before: state(old) });

  const rank = (kind: ChangeKind) => CHANGE_KINDS.indexOf(kind);
  changes.sort((a, b) => rank(a.kind) - rank(b.kind) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const counts = Object.fromEntries(CHANGE_KINDS.map((kind) => [kind, 0])) as Record<ChangeKind, number>;
  for (const change of changes) counts[change.kind]++;
  return { changes, counts, unchanged };
}

const PLURALS: Partial<Record<ChangeKind, string>> = { regression: 'regressions', fix: 'fixes' };

/** "1 regression, 2 fixes": the kinds that occur, most alarming first. */
export function formatChangeCounts(diff: ResultsDiff, separator = ', '): string {
  return CHANGE_KINDS.filter((kind) => diff.counts[kind] > 0)
    .map((kind) => `${diff.counts[kind]} ${diff.counts[kind] === 1 ? kind : (PLURALS[kind] ?? kind)}`)
    .join(separator);
}

const describe = (s: CellState | undefined) => (s ? `${s.outcome} (${s.verdict})` : '-');

export function formatDiffForTerminal(diff: ResultsDiff, options: { color?: boolean } = {}): string {
  if (diff.changes.length === 0) return `No changes since baseline (${diff.unchanged} cells unchanged).\n`;
  const paint = (code: string, s: string) => (options.color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const colours: Record<ChangeKind, string> = { regression: '1;31', fix: '32', changed: '33', new: '36', removed: '2' };
  const lines = [`Changes since baseline: ${formatChangeCounts(diff)} (${diff.unchanged} unchanged)`];
  for (const change of diff.changes) {
    const label = paint(colours[change.kind], change.kind.toUpperCase().padEnd(10));
    lines.push(`  ${label}  ${change.id}: ${describe(change.before)} -> ${describe(change.after)}`);
  }
  return `${lines.join('\n')}\n`;
}
