// Turns an outcome and the matrix's expectation into a verdict.
import type { Outcome, Verdict } from '../results/types.ts';

/**
 * `signal`: what ended the process, when a signal did. A process that crashed after its outcome
 * (an import failed, then SIGSEGV) passes only an expectation that also names `crash`: a crash
 * is never hidden behind the outcome that came before it.
 */
export function judge(outcome: Outcome, expected: readonly Outcome[], signal?: string): Verdict {
  if (expected.includes(outcome) && (!signal || outcome === 'crash' || outcome === 'timeout' || expected.includes('crash'))) return 'pass';
  // A cell that cannot exist is neither a pass nor a failure, unless it was expected to run.
  return outcome === 'skipped' ? 'skip' : 'fail';
}
