// Writes the self-contained index.html when the run ends.
import type { ResultsDiff } from '../results/diff.ts';
import type { RunResults } from '../results/run-results.ts';
import { renderHtml } from './html-writer.ts';
import { RenderedReport } from './rendered-report.ts';

export class HtmlReporter extends RenderedReport {
  readonly name = 'html';

  protected render(results: RunResults, diff?: ResultsDiff): string {
    return renderHtml(results, diff);
  }
}
