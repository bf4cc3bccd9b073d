// A reporter is built before the run, but a diff needs the run's results: reporters take the
// baseline and diff at onEnd, or a ready diff (re-rendering saved results).
import { diffResults, type ResultsDiff } from '../results/diff.ts';
import type { RunResults } from '../results/run-results.ts';

export interface ReportOptions {
  /** An earlier run: cells whose outcome changed since are marked (regressions first). */
  baseline?: RunResults;
  /** A diff computed elsewhere; wins over `baseline`. */
  diff?: ResultsDiff;
}

export function resolveDiff(options: ReportOptions, results: RunResults): ResultsDiff | undefined {
  return options.diff ?? (options.baseline ? diffResults(options.baseline, results) : undefined);
}
