// Writes ctrf.json when the run ends (the `ctrf` reporter).
import type { ResultsDiff } from '../results/diff.ts';
import type { RunResults } from '../results/run-results.ts';
import { renderCtrf } from './ctrf-writer.ts';
import { RenderedReport } from './rendered-report.ts';

export class CtrfReporter extends RenderedReport {
  readonly name = 'ctrf';

  protected render(results: RunResults, diff?: ResultsDiff): Iterable<string> {
    return renderCtrf(results, diff);
  }
}
