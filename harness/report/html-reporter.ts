// Writes the self-contained index.html when the run ends.
import { writeFileAtomic } from '../results/atomic-file.ts';
import type { RunResults } from '../results/types.ts';
import { renderHtml } from './html-writer.ts';
import { resolveDiff, type ReportOptions } from './report-diff.ts';
import type { Reporter } from './reporter.ts';

export class HtmlReporter implements Reporter {
  readonly name = 'html';

  constructor(
    readonly path: string,
    private readonly options: ReportOptions = {},
  ) {}

  onEnd(results: RunResults): void {
    writeFileAtomic(this.path, renderHtml(results, resolveDiff(this.options, results)));
  }
}
