// Writes the run's journal (results/journal.ts) as it happens: a line per environment and per
// finished cell, appended at once, so a kill -9 loses at most the cell that was running.
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { JournalHeader, JournalLine } from '../results/journal.ts';
import type { PlannedCellRef } from '../results/merge.ts';
import type { CellResult, EnvironmentInfo, RunResults } from '../results/run-results.ts';
import type { Reporter } from './reporter.ts';

export class JournalReporter implements Reporter {
  readonly name = 'journal';

  constructor(
    readonly path: string,
    private readonly header: JournalHeader,
    private readonly planned: PlannedCellRef[],
  ) {}

  onBegin(): void {
    mkdirSync(dirname(this.path), { recursive: true });
    writeFileSync(this.path, line({ type: 'begin', header: this.header, planned: this.planned }));
  }

  onEnvironmentReady(environment: EnvironmentInfo): void {
    appendFileSync(this.path, line({ type: 'environment', environment }));
  }

  onCellEnd(cell: CellResult): void {
    appendFileSync(this.path, line({ type: 'cell', cell }));
  }

  onEnd(results: RunResults): void {
    appendFileSync(this.path, line({ type: 'end', finishedAt: results.finishedAt }));
  }
}

function line(value: JournalLine): string {
  return `${JSON.stringify(value)}\n`;
}
