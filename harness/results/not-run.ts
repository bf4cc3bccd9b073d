// The one place that makes the result of a planned cell whose loader did not run, and decides its
// verdict. Two kinds, one rule each, whoever makes them (the scheduler, journal recovery, merge):
//  - it could not run: the distro has no such Python or PyPI no wheel (skipped), its image did not
//    build (build-error), the engine failed its container (engine-error), dlmatrix itself failed
//    for it (harness-error). The matrix's `expect`
//    decides, as for any outcome (verdicts.ts): expected, it counts as "expected not to run".
//  - it should have run and did not: the run ended first (Ctrl-C, kill -9, --fail-fast, the
//    engine gone) or its shard never reached a merge. Outcome `skipped` (it says nothing about
//    the library), verdict `fail` whatever was expected: a run that did not run its cells is never
//    green, in any report.
import type { CellResult, Outcome } from './run-results.ts';
import { judge } from './verdicts.ts';

/** A cell the matrix plans: enough to stand in for one that did not run, and to order cells. */
export type PlannedCellRef = Pick<CellResult, 'id' | 'axes' | 'environment' | 'expected'>;

export type CouldNotRunOutcome = Extract<Outcome, 'skipped' | 'build-error' | 'engine-error' | 'harness-error'>;

/** A cell that could not run: `expect` decides its verdict. */
export function couldNotRun(cell: PlannedCellRef, outcome: CouldNotRunOutcome, reason: string, resolved: CellResult['resolved'] = {}): CellResult {
  return notRun(cell, outcome, reason, judge(outcome, cell.expected), resolved);
}

/** A cell that should have run and did not (`reason` says why, e.g. "not run: the run was interrupted"). */
export function stoppedBeforeRun(cell: PlannedCellRef, reason: string): CellResult {
  return notRun(cell, 'skipped', reason, 'fail', {});
}

function notRun(cell: PlannedCellRef, outcome: CouldNotRunOutcome, reason: string, verdict: CellResult['verdict'], resolved: CellResult['resolved']): CellResult {
  return {
    id: cell.id,
    axes: cell.axes,
    environment: cell.environment,
    resolved,
    outcome,
    reason,
    expected: cell.expected,
    verdict,
    durationMs: 0,
    attempts: 0,
    output: { stdout: '', stderr: '' },
  };
}
