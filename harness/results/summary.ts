// results.json's `summary`: the cells counted by how they count (verdicts.ts, cellStatus), and
// whether the run is red, the one rule every command's exit code and every report's headline use.
import type { CellResult, ResultsSummary, RunResults } from './run-results.ts';
import { cellStatus, type CellStatus } from './verdicts.ts';

const FIELD: Record<CellStatus, Exclude<keyof ResultsSummary, 'total' | 'byOutcome'>> = {
  passed: 'passed',
  failed: 'failed',
  flaky: 'flaky',
  skipped: 'skipped',
  'expected-not-run': 'expectedNotRun',
  'not-run': 'notRun',
};

export function summarize(cells: readonly CellResult[]): ResultsSummary {
  const summary: ResultsSummary = { total: 0, passed: 0, failed: 0, flaky: 0, skipped: 0, expectedNotRun: 0, notRun: 0, byOutcome: {} };
  for (const cell of cells) {
    summary.total++;
    summary[FIELD[cellStatus(cell)]]++;
    summary.byOutcome[cell.outcome] = (summary.byOutcome[cell.outcome] ?? 0) + 1;
  }
  return summary;
}

/** Cells that missed their expectation or should have run and did not: any makes the run red. */
export const missedCount = (summary: ResultsSummary): number => summary.failed + summary.notRun;

/**
 * What a report's headline says, one rule for all of them: `failed` (red: a cell missed its
 * expectation or did not run), `interrupted` (the matrix is incomplete), `nothing-ran` (every
 * cell was skipped or expected not to run: nothing was tested, never shown green), `passed`.
 */
export type RunState = 'failed' | 'interrupted' | 'nothing-ran' | 'passed';

export function runState(results: Pick<RunResults, 'summary' | 'interrupted'>): RunState {
  const { summary } = results;
  if (missedCount(summary) > 0) return 'failed';
  if (results.interrupted) return 'interrupted';
  return summary.passed + summary.flaky === 0 ? 'nothing-ran' : 'passed';
}
