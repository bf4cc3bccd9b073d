// Writes results.json, the file `merge`, `diff` and re-rendering read back. A diff is not part of
// the results format (it is recomputed from two results files), so this reporter takes none.
import { writeResultsFile } from '../results/results-file.ts';
import type { RunResults } from '../results/run-results.ts';
import type { Reporter } from './reporter.ts';

export class JsonReporter implements Reporter {
  readonly name = 'json';

  constructor(readonly path: string) {}

  onEnd(results: RunResults): void {
    writeResultsFile(this.path, results);
  }
}
