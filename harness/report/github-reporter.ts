// The `github` reporter, for GitHub Actions: at the end of the run, `::error` annotations for the
// failed cells (grouped by root cause) on stdout, where the runner reads workflow commands, and
// the job summary appended to the file named by $GITHUB_STEP_SUMMARY (when set).
import { appendFileSync, existsSync, statSync } from 'node:fs';
import { FileWriteError } from '../results/atomic-file.ts';
import type { ResultsDiff } from '../results/diff.ts';
import type { RunResults } from '../results/run-results.ts';
import { annotationLines } from './github-annotations.ts';
import { renderJobSummary, STEP_SUMMARY_LIMIT } from './github-summary.ts';
import type { Reporter } from './reporter.ts';

export interface GitHubOptions {
  /** The job summary file ($GITHUB_STEP_SUMMARY); without it only annotations are printed. */
  summaryPath?: string;
  stdout?: { write(text: string): unknown };
}

export class GitHubReporter implements Reporter {
  readonly name = 'github';

  constructor(private readonly options: GitHubOptions = {}) {}

  get path(): string | undefined {
    return this.options.summaryPath;
  }

  onEnd(results: RunResults, diff?: ResultsDiff): void {
    const stdout = this.options.stdout ?? process.stdout;
    for (const line of annotationLines(results)) stdout.write(`${line}\n`);
    const path = this.options.summaryPath;
    if (!path) return;
    try {
      // Earlier output of the same step counts towards GitHub's limit too.
      const used = existsSync(path) ? statSync(path).size : 0;
      const summary = renderJobSummary(results, { budget: STEP_SUMMARY_LIMIT - used, diff });
      appendFileSync(path, summary);
    } catch (err) {
      throw new FileWriteError(path, err);
    }
  }
}
