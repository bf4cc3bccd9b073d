// Writes junit.xml when the run ends (also when interrupted: CI still wants what ran).
import { writeFileAtomic } from '../results/atomic-file.ts';
import type { RunResults } from '../results/types.ts';
import { renderJUnit } from './junit-writer.ts';
import { resolveDiff, type ReportOptions } from './report-diff.ts';
import type { Reporter } from './reporter.ts';

export class JUnitReporter implements Reporter {
  readonly name = 'junit';

  constructor(
    readonly path: string,
    private readonly options: ReportOptions = {},
  ) {}

  onEnd(results: RunResults): void {
    writeFileAtomic(this.path, renderJUnit(results, resolveDiff(this.options, results)));
  }
}
