// Combines the results of shards (or of any runs of one matrix) into one run's record. When the
// cells the shards planned are known, a planned cell that no input has (a shard's artifact never
// arrived) is added as a cell that should have run and did not (not-run.ts), so that no report of
// the merge looks green.
import { headerOf, type RunRecord } from './assemble.ts';
import { stoppedBeforeRun, type PlannedCellRef } from './not-run.ts';
import type { CellResult, EnvironmentInfo, RunResults } from './run-results.ts';

/** Why a planned cell is in the merged results without having run. */
export const MISSING_REASON = 'not run: missing from the merged shard results';

export interface MergeOptions {
  /** The matrix's cells in plan order: merged cells follow it; others go last, in the inputs' order. */
  planned?: readonly PlannedCellRef[];
  /** Every planned cell should be in the inputs: the absent ones are added as not run. */
  requireAll?: boolean;
}

export interface MergeOutcome {
  record: RunRecord;
  /** Cells that appeared in more than one input (the last one wins). */
  duplicates: string[];
  /** Planned cells no input had (with requireAll), now not-run cells. */
  missing: string[];
}

export function mergeResults(parts: RunResults[], options: MergeOptions = {}): MergeOutcome {
  if (parts.length === 0) throw new Error('nothing to merge');
  const { planned = [], requireAll = false } = options;
  const cells = new Map<string, CellResult>();
  const duplicates: string[] = [];
  const environments = new Map<string, EnvironmentInfo>();
  for (const part of parts) {
    for (const cell of part.cells) {
      if (cells.has(cell.id)) duplicates.push(cell.id);
      cells.set(cell.id, cell);
    }
    for (const environment of part.environments) {
      const known = environments.get(environment.key);
      // Prefer the shard that actually built or ran the environment.
      if (!known || (!known.imageId && environment.imageId)) environments.set(environment.key, environment);
    }
  }
  const missing = requireAll ? planned.filter((cell) => !cells.has(cell.id)) : [];
  for (const cell of missing) cells.set(cell.id, stoppedBeforeRun(cell, MISSING_REASON));
  const position = new Map(planned.map((cell, i) => [cell.id, i]));
  const rank = (id: string) => position.get(id) ?? Number.MAX_SAFE_INTEGER;
  // A stable sort: without a plan, cells keep the inputs' order (one input: exactly the run's).
  const merged = [...cells.values()].sort((a, b) => rank(a.id) - rank(b.id));
  // Environments in the order of their first cell; ones no merged cell uses are dropped.
  const firstCell = new Map<string, number>();
  merged.forEach((cell, i) => firstCell.has(cell.environment) || firstCell.set(cell.environment, i));
  for (const cell of missing) {
    const { distro, python, numpy } = cell.axes;
    if (!environments.has(cell.environment)) environments.set(cell.environment, { key: cell.environment, distro, python, numpy, resolved: {}, skipReason: MISSING_REASON });
  }
  const startedAt = parts.map((p) => p.startedAt).sort()[0]!;
  const finishedAt = parts.map((p) => p.finishedAt).sort().at(-1)!;
  return {
    duplicates,
    missing: missing.map((cell) => cell.id),
    record: {
      header: { ...headerOf(parts[0]!), startedAt, shard: undefined },
      finishedAt,
      interrupted: parts.some((p) => p.interrupted),
      environments: [...environments.values()]
        .filter((e) => firstCell.has(e.key))
        .sort((a, b) => firstCell.get(a.key)! - firstCell.get(b.key)!),
      cells: merged,
    },
  };
}
