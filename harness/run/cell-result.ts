// Builders for the CellResult of a cell that did not get to run its loader.
import type { PlannedCell } from '../plan/plan.ts';
import type { CellResult, Outcome } from '../results/run-results.ts';
import { judge } from '../verdict/judge.ts';

export function notRunResult(
  cell: PlannedCell,
  outcome: Extract<Outcome, 'skipped' | 'build-error' | 'engine-error'>,
  reason: string,
  resolved: CellResult['resolved'] = {},
): CellResult {
  return {
    id: cell.id,
    axes: cell.axes,
    environment: cell.environment,
    resolved,
    outcome,
    reason,
    expected: cell.expected,
    verdict: judge(outcome, cell.expected),
    durationMs: 0,
    attempts: 0,
    output: { stdout: '', stderr: '' },
  };
}
