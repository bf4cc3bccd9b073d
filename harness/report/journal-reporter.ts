// Writes the run's journal (results/journal.ts) as it happens: a line per environment and per
// finished cell, appended at once, so a kill -9 loses at most the cells that were running. When
// the run is over, `finish` adds what only the end knows (the cells that did not run, environments
// changed since their line), so that `dlmatrix report` rebuilds exactly the results.json the run
// wrote; `end` is added only once the reports are really written.
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { RunRecord } from '../results/assemble.ts';
import { keptOutput } from '../results/cell-output.ts';
import type { JournalLine } from '../results/journal.ts';
import type { PlannedCellRef } from '../results/not-run.ts';
import type { CellResult, EnvironmentInfo, RunHeader } from '../results/run-results.ts';
import type { Reporter } from './reporter.ts';

export class JournalReporter implements Reporter {
  readonly name = 'journal';
  private fd: number | undefined;
  private readonly cells = new Set<string>();
  private readonly environments = new Map<string, string>();

  constructor(
    readonly path: string,
    private readonly header: RunHeader,
    private readonly planned: PlannedCellRef[],
  ) {}

  onBegin(): void {
    mkdirSync(dirname(this.path), { recursive: true });
    this.fd = openSync(this.path, 'w');
    this.write({ type: 'begin', header: this.header, planned: this.planned });
  }

  onEnvironmentReady(environment: EnvironmentInfo): void {
    this.writeEnvironment(environment);
  }

  onCellEnd(cell: CellResult): void {
    this.write({ type: 'cell', cell: { ...cell, output: keptOutput(cell.output) } });
    this.cells.add(cell.id);
  }

  /** The run is over: every cell and environment of `record` is in the journal after this. */
  finish(record: RunRecord): void {
    for (const environment of record.environments) this.writeEnvironment(environment);
    for (const cell of record.cells) if (!this.cells.has(cell.id)) this.onCellEnd(cell);
    this.write({ type: 'finish', finishedAt: record.finishedAt, interrupted: record.interrupted });
  }

  /** Every report was written: the journal has been turned into reports. */
  end(): void {
    this.write({ type: 'end' });
    this.close();
  }

  close(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }

  private writeEnvironment(environment: EnvironmentInfo): void {
    const line = JSON.stringify(environment);
    if (this.environments.get(environment.key) === line) return;
    this.write({ type: 'environment', environment });
    this.environments.set(environment.key, line);
  }

  private write(value: JournalLine): void {
    if (this.fd === undefined) throw new Error(`${this.path}: the journal is not open`);
    const bytes = Buffer.from(`${JSON.stringify(value)}\n`, 'utf8');
    for (let offset = 0; offset < bytes.length; ) offset += writeSync(this.fd, bytes, offset);
  }
}
