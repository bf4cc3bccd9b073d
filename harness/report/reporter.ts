// Reporters receive the run as it happens. Every hook is optional; a reporter that throws is
// reported and ignored by the Multiplexer, so one broken report never kills the run.
import type { ResultsDiff } from '../results/diff.ts';
import type { CellResult, EnvironmentInfo, RunResults } from '../results/run-results.ts';

export interface PlannedRun {
  matrixFile: string;
  totalCells: number;
  environments: number;
}

export interface Reporter {
  readonly name: string;
  onBegin?(run: PlannedRun): void | Promise<void>;
  /** A line about the run's infrastructure: pulls, bootstraps, builds. */
  onLog?(line: string): void | Promise<void>;
  /** What a build is doing now (its step, cargo's crates): for a live status line, not a log. */
  onProgress?(status: string): void | Promise<void>;
  /** An environment's image is ready (or could not be built, or cannot exist). */
  onEnvironmentReady?(environment: EnvironmentInfo): void | Promise<void>;
  /** A cell's loader starts (after its environment is ready). */
  onCellBegin?(cellId: string): void | Promise<void>;
  onCellEnd?(cell: CellResult): void | Promise<void>;
  /**
   * The run is over (finished or interrupted): write files here. `diff` is the change since the
   * baseline, computed once for every reporter (results/assemble.ts).
   */
  onEnd?(results: RunResults, diff?: ResultsDiff): void | Promise<void>;
}
