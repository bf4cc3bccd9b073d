// Writes junit.xml when the run ends (also when interrupted: CI still wants what ran), a piece at a time.
import type { ResultsDiff } from '../results/diff.ts';
import type { RunResults } from '../results/run-results.ts';
import { renderJUnit } from './junit-writer.ts';
import { RenderedReport } from './rendered-report.ts';

export class JUnitReporter extends RenderedReport {
  readonly name = 'junit';

  protected render(results: RunResults, diff?: ResultsDiff): Iterable<string> {
    return renderJUnit(results, diff);
  }
}
