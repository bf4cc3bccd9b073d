// A reporter that renders the whole run to one file when it ends (junit.xml, index.html,
// ctrf.json), with cells that changed since the baseline marked. The file is written in pieces
// when the renderer gives pieces: a report of 100,000 cells is never one string.
import { writeFileAtomic } from '../results/atomic-file.ts';
import type { ResultsDiff } from '../results/diff.ts';
import type { RunResults } from '../results/run-results.ts';
import type { Reporter } from './reporter.ts';

export abstract class RenderedReport implements Reporter {
  abstract readonly name: string;

  constructor(readonly path: string) {}

  protected abstract render(results: RunResults, diff?: ResultsDiff): string | Iterable<string>;

  onEnd(results: RunResults, diff?: ResultsDiff): void {
    writeFileAtomic(this.path, this.render(results, diff));
  }
}
