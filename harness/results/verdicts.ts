// The verdict rule and how a cell counts, for every cell of every report. The rule lives with the
// results format, not in verdict/ (which classifies a loader run): journal recovery and `merge`
// make cells too, the cells that never ran, and results/ may not import verdict/. run/ judges its
// cells with this same function.
import type { CellResult, Outcome, Verdict } from './run-results.ts';

/**
 * The outcome against the matrix's expectation. `signal`: what ended the process, when a signal
 * did. A process that crashed after its outcome (an import failed, then SIGSEGV) passes only an
 * expectation that also names `crash`: a crash is never hidden behind the outcome before it.
 */
export function judge(outcome: Outcome, expected: readonly Outcome[], signal?: string): Verdict {
  if (expected.includes(outcome) && (!signal || outcome === 'crash' || outcome === 'timeout' || expected.includes('crash'))) return 'pass';
  // A cell that cannot exist is neither a pass nor a failure, unless it was expected to run.
  return outcome === 'skipped' ? 'skip' : 'fail';
}

/** Outcomes of a cell whose loader never gave a result: it says nothing about the library. */
export const NOT_RUN_OUTCOMES: readonly Outcome[] = ['skipped', 'build-error', 'engine-error', 'harness-error'];

export const didRun = (cell: Pick<CellResult, 'outcome'>): boolean => !NOT_RUN_OUTCOMES.includes(cell.outcome);

/**
 * How a cell counts, the same in the terminal, results.json's summary, JUnit, CTRF, the GitHub
 * summary and index.html (pytest's xfail is the model for `expected-not-run`):
 *   passed            it ran and met its expectation
 *   failed            it ran, or its environment failed to build or start, and missed its expectation
 *   flaky             it missed, then met its expectation on a retry
 *   skipped           it cannot exist (no such Python, no wheel) and nobody expected it: no verdict
 *   expected-not-run  it did not run, as the matrix expected (an expected build error or skip)
 *   not-run           it should have run and did not: the run ended first (interrupted, killed,
 *                     --fail-fast, the engine gone) or its shard is missing from a merge
 * `failed` and `not-run` make a run red; nothing else does.
 */
export type CellStatus = 'passed' | 'failed' | 'flaky' | 'skipped' | 'expected-not-run' | 'not-run';

export function cellStatus(cell: Pick<CellResult, 'outcome' | 'verdict'>): CellStatus {
  switch (cell.verdict) {
    case 'flaky':
      return 'flaky';
    case 'skip':
      return 'skipped';
    case 'pass':
      return didRun(cell) ? 'passed' : 'expected-not-run';
    default:
      // judge never fails a `skipped` outcome: only a cell stopped before it ran has one (not-run.ts).
      return cell.outcome === 'skipped' ? 'not-run' : 'failed';
  }
}
