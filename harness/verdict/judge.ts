// Turns an outcome and the matrix's expectation into a verdict.
import type { Outcome, Verdict } from '../results/run-results.ts';

export function judge(outcome: Outcome, expected: readonly Outcome[]): Verdict {
  if (expected.includes(outcome)) return 'pass';
  // A cell that cannot exist is neither a pass nor a failure, unless it was expected to run.
  return outcome === 'skipped' ? 'skip' : 'fail';
}
