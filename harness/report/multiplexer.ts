// Fans every hook out to all reporters, one after another (so output keeps its order). A
// reporter that throws is logged and recorded, never rethrown: one broken report must not kill
// the run or keep the other reports from being written. Failures at the end (a report file that
// could not be written) are kept apart: the commands exit non-zero for them.
import { FileWriteError } from '../results/atomic-file.ts';
import type { ResultsDiff } from '../results/diff.ts';
import type { CellResult, EnvironmentInfo, RunResults } from '../results/run-results.ts';
import type { PlannedRun, Reporter } from './reporter.ts';

type Hook = 'onBegin' | 'onLog' | 'onProgress' | 'onEnvironmentReady' | 'onCellBegin' | 'onCellEnd' | 'onEnd';

export interface ReporterFailure {
  reporter: string;
  hook: Hook;
  error: unknown;
}

export class Multiplexer implements Reporter {
  readonly name = 'multiplexer';
  readonly errors: ReporterFailure[] = [];

  constructor(
    readonly reporters: Reporter[],
    private readonly log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
  ) {}

  onBegin(run: PlannedRun): Promise<void> {
    return this.fanOut('onBegin', (reporter) => reporter.onBegin?.(run));
  }

  onLog(line: string): Promise<void> {
    return this.fanOut('onLog', (reporter) => reporter.onLog?.(line));
  }

  onProgress(status: string): Promise<void> {
    return this.fanOut('onProgress', (reporter) => reporter.onProgress?.(status));
  }

  onEnvironmentReady(environment: EnvironmentInfo): Promise<void> {
    return this.fanOut('onEnvironmentReady', (reporter) => reporter.onEnvironmentReady?.(environment));
  }

  onCellBegin(cellId: string): Promise<void> {
    return this.fanOut('onCellBegin', (reporter) => reporter.onCellBegin?.(cellId));
  }

  onCellEnd(cell: CellResult): Promise<void> {
    return this.fanOut('onCellEnd', (reporter) => reporter.onCellEnd?.(cell));
  }

  onEnd(results: RunResults, diff?: ResultsDiff): Promise<void> {
    return this.fanOut('onEnd', (reporter) => reporter.onEnd?.(results, diff));
  }

  /** Reporters that failed as the run ended: their report is missing or incomplete. */
  get endFailures(): ReporterFailure[] {
    return this.errors.filter((failure) => failure.hook === 'onEnd');
  }

  private async fanOut(hook: Hook, call: (reporter: Reporter) => void | Promise<void>): Promise<void> {
    for (const reporter of this.reporters) {
      try {
        await call(reporter);
      } catch (error) {
        this.errors.push({ reporter: reporter.name, hook, error });
        // A file that cannot be written is the user's to fix: the reason, not our stack.
        const detail = error instanceof FileWriteError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error);
        this.log(
          hook === 'onEnd'
            ? `dlmatrix: the ${reporter.name} report could not be written: ${detail}`
            : `dlmatrix: the ${reporter.name} reporter failed in ${hook} (the run goes on): ${detail}`,
        );
      }
    }
  }
}
