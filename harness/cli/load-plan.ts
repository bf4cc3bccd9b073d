// Shared by `run` and `plan`: matrix file -> validated config -> plan, narrowed by the
// --only / --cell filters and the --shard selection.
import { formatDiagnostic } from '../matrix/diagnostics.ts';
import { matrixCombinations } from '../matrix/expand.ts';
import { loadMatrix } from '../matrix/load.ts';
import type { MatrixConfig } from '../matrix/types.ts';
import { filterCells, parseOnly } from '../plan/filter.ts';
import { buildPlan, planFromCells, type Plan } from '../plan/plan.ts';
import { parseShard, selectShard, type ShardSpec } from '../plan/shard.ts';

export interface PlanSelection {
  configPath: string;
  only: string[];
  cellIds: string[];
  shard?: string;
}

export interface LoadedPlan {
  config: MatrixConfig;
  /** Every cell of the matrix, before filters and sharding. */
  full: Plan;
  /** The cells selected to run. */
  plan: Plan;
  shard?: ShardSpec;
}

/** Throws MatrixFileError, FilterError or ShardError (all reported as usage errors, exit 2). */
export function loadPlan(selection: PlanSelection, warn: (line: string) => void): LoadedPlan {
  const { config, warnings } = loadMatrix(selection.configPath);
  for (const warning of warnings) warn(formatDiagnostic(warning));
  const full = buildPlan(config, matrixCombinations(config));
  let cells = filterCells(full.cells, { only: parseOnly(selection.only), cellIds: selection.cellIds });
  const shard = selection.shard ? parseShard(selection.shard) : undefined;
  if (shard) cells = selectShard(cells, shard);
  return { config, full, plan: planFromCells(cells), shard };
}
