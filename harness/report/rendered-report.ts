// A reporter that renders the whole run to one file when it ends (junit.xml, index.html), with
// cells that changed since an optional baseline marked.
import { writeFileAtomic } from '../results/atomic-file.ts';
import type { ResultsDiff } from '../results/diff.ts';
import type { RunResults } from '../results/run-results.ts';
import { resolveDiff, type ReportOptions } from './report-diff.ts';
import type { Reporter } from './reporter.ts';

export abstract class RenderedReport implements Reporter {
  abstract readonly name: string;

  constructor(
    readonly path: string,
    private readonly options: ReportOptions = {},
  ) {}

  protected abstract render(results: RunResults, diff?: ResultsDiff): string;

  onEnd(results: RunResults): void {
    writeFileAtomic(this.path, this.render(results, resolveDiff(this.options, results)));
  }
}
