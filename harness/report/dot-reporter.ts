// The `dot` reporter: one character per finished cell, as Playwright's dot reporter prints them
// (· passed, F failed, ± flaky, ° skipped), 80 to a line; at the end the failed and flaky cells
// one per line, then the findings and the counts.
import type { ResultsDiff } from '../results/diff.ts';
import type { CellResult, RunResults, Verdict } from '../results/run-results.ts';
import type { Reporter } from './reporter.ts';
import { cellLine, endOfRun, type Paint, painter, useColor } from './terminal-lines.ts';

export const DOTS: Record<Verdict, string> = { pass: '·', fail: 'F', flaky: '±', skip: '°' };
const PER_LINE = 80;

export interface DotOptions {
  stream?: NodeJS.WriteStream;
  color?: boolean;
}

export class DotReporter implements Reporter {
  readonly name = 'dot';
  private readonly stream: NodeJS.WriteStream;
  private readonly color: boolean;
  private readonly paint: Paint;
  private printed = 0;

  constructor(private readonly options: DotOptions = {}) {
    this.stream = options.stream ?? process.stderr;
    this.color = useColor(this.stream, options.color);
    this.paint = painter(this.color);
  }

  onCellEnd(cell: CellResult): void {
    if (this.printed > 0 && this.printed % PER_LINE === 0) this.stream.write('\n');
    this.stream.write(this.paint(cell.verdict, DOTS[cell.verdict]));
    this.printed++;
  }

  onEnd(results: RunResults, diff?: ResultsDiff): void {
    if (this.printed > 0) this.stream.write('\n');
    const problems = results.cells.filter((cell) => cell.verdict === 'fail' || cell.verdict === 'flaky');
    if (problems.length > 0) this.stream.write(`\n${problems.map((cell) => cellLine(cell, this.paint)).join('\n')}\n\n`);
    this.stream.write(endOfRun(results, this.paint, diff, this.color));
  }
}
