// Terminal progress, the `list` and `line` reporters. `list` (CI: no TTY, or CI set): one plain
// line per finished cell and environment, each written whole so parallel cells never interleave
// mid-line. `line` (a TTY): a live status line (done/total, pass/fail/skip, what is running) with
// failures printed above it. Both end with the findings and the counts.
import type { ResultsDiff } from '../results/diff.ts';
import type { CellResult, EnvironmentInfo, RunResults, Verdict } from '../results/run-results.ts';
import type { PlannedRun, Reporter } from './reporter.ts';
import { cellLine, clean, endOfRun, type Paint, painter, plural, type Tone, useColor } from './terminal-lines.ts';

export interface ProgressOptions {
  stream?: NodeJS.WriteStream;
  live?: boolean;
  color?: boolean;
  quiet?: boolean;
  verbose?: boolean;
}

export class ProgressReporter implements Reporter {
  readonly name = 'progress';
  private readonly stream: NodeJS.WriteStream;
  private readonly live: boolean;
  private readonly color: boolean;
  private readonly painter: Paint;
  private total = 0;
  private readonly counts: Record<Verdict, number> = { pass: 0, fail: 0, flaky: 0, skip: 0 };
  private status = '';
  private readonly running = new Set<string>();
  private readonly started = Date.now();
  private ticker?: NodeJS.Timeout;

  constructor(private readonly options: ProgressOptions = {}) {
    this.stream = options.stream ?? process.stderr;
    this.live = options.live ?? (Boolean(this.stream.isTTY) && !process.env.CI);
    this.color = useColor(this.stream, options.color);
    this.painter = painter(this.color);
  }

  onBegin(run: PlannedRun): void {
    this.total = run.totalCells;
    // The clock moves while a long build says nothing new: a frozen line looks like a hang.
    if (this.live && !this.options.quiet) this.ticker = setInterval(() => this.redraw(), 1000).unref();
    this.print(`dlmatrix: ${plural(run.totalCells, 'cell')} in ${plural(run.environments, 'environment')} from ${run.matrixFile}`);
  }

  /** Shown in the live line only: a log of every build step would drown CI's output. */
  onProgress(status: string): void {
    if (!this.live) return;
    this.status = clean(status);
    this.redraw();
  }

  onLog(line: string): void {
    this.status = clean(line);
    if (this.options.verbose || !this.live) this.print(this.paint('dim', clean(line)));
    else this.redraw();
  }

  onEnvironmentReady(environment: EnvironmentInfo): void {
    if (this.options.quiet && !environment.buildError) return;
    if (environment.buildError) {
      // Once per environment, with where it went wrong; its cells only point here.
      const cause = (environment.buildCause ?? firstLine(environment.buildError)).split('\n').map(clean);
      const log = environment.buildLog ? [`    full log: ${clean(environment.buildLog)}`] : [];
      this.print([`environment ${environment.key}: ${this.paint('fail', `build failed: ${cause[0]}`)}`, ...cause.slice(1).map((l) => `    ${l}`), ...log].join('\n'));
      return;
    }
    const what = environment.skipReason
        ? this.paint('skip', `skipped: ${clean(environment.skipReason)}`)
        : `python ${environment.resolved.python ?? '?'}, numpy ${environment.resolved.numpy ?? '?'}` +
          (environment.buildMs ? ` (built in ${(environment.buildMs / 1000).toFixed(1)} s)` : ' (image cached)');
    this.print(`environment ${environment.key}: ${what}`);
  }

  onCellBegin(cellId: string): void {
    this.running.add(cellId);
    this.redraw();
  }

  onCellEnd(cell: CellResult): void {
    this.running.delete(cell.id);
    this.counts[cell.verdict] += 1;
    const shouldPrint = !this.options.quiet || cell.verdict === 'fail' || cell.verdict === 'flaky';
    if (shouldPrint && (!this.live || cell.verdict === 'fail' || cell.verdict === 'flaky' || this.options.verbose)) {
      this.print(cellLine(cell, this.painter));
    }
    this.redraw();
  }

  /** With a baseline, the summary is followed by what changed since (regressions first). */
  onEnd(results: RunResults, diff?: ResultsDiff): void {
    clearInterval(this.ticker);
    this.clearLine();
    this.stream.write(endOfRun(results, this.painter, diff, this.color));
  }

  private redraw(): void {
    if (!this.live || this.options.quiet) return;
    const done = this.counts.pass + this.counts.fail + this.counts.flaky + this.counts.skip;
    const elapsed = ((Date.now() - this.started) / 1000).toFixed(0);
    const [first] = this.running;
    const activity = first ? `running ${clean(first)}${this.running.size > 1 ? ` +${this.running.size - 1}` : ''}` : this.status;
    const line = `[${done}/${this.total}] ${this.counts.pass} pass ${this.counts.fail} fail ${this.counts.skip} skip  ${elapsed}s  ${activity}`;
    const width = this.stream.columns || 100;
    this.stream.write(`\r\x1b[2K${line.slice(0, width - 1)}`);
  }

  private clearLine(): void {
    if (this.live) this.stream.write('\r\x1b[2K');
  }

  private print(line: string): void {
    this.clearLine();
    this.stream.write(`${line}\n`);
    this.redraw();
  }

  private paint(tone: Tone, text: string): string {
    return this.painter(tone, text);
  }
}

function firstLine(text: string): string {
  return text.split('\n')[0];
}
