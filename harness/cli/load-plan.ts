// Shared by `run` and `plan`: matrix file -> validated config -> plan, narrowed by the
// --only / --cell filters and the --shard selection.
import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import { uncopiedPathDependencies } from '../docker/project-source.ts';
import { displayPath, formatDiagnostic } from '../matrix/diagnostics.ts';
import { matrixCombinations } from '../matrix/expand.ts';
import { loadMatrix } from '../matrix/load.ts';
import type { MatrixConfig } from '../matrix/types.ts';
import { filterCells, parseOnly } from '../plan/filter.ts';
import { buildPlan, planFromCells, type Plan } from '../plan/plan.ts';
import { parseShard, selectShard, type ShardSpec } from '../plan/shard.ts';
import type { LastFailed } from './last-failed.ts';

export interface PlanSelection {
  configPath: string;
  only: string[];
  cellIds: string[];
  shard?: string;
  /** --last-failed: the cells to rerun, of those that still exist (none: every cell). */
  lastFailed?: LastFailed;
}

export interface LoadedPlan {
  config: MatrixConfig;
  /** Every cell of the matrix, before filters and sharding. */
  full: Plan;
  /** The cells selected to run. */
  plan: Plan;
  shard?: ShardSpec;
  /** The --cell selection in effect (--last-failed's cells, or --cell's). */
  cellIds: string[];
}

/** Throws MatrixFileError, FilterError or ShardError (all reported as usage errors, exit 2). */
export function loadPlan(selection: PlanSelection, warn: (line: string) => void): LoadedPlan {
  const { config, warnings } = loadMatrix(selection.configPath);
  for (const warning of warnings) warn(formatDiagnostic(warning));
  for (const line of buildInputWarnings(config)) warn(line);
  const full = buildPlan(config, matrixCombinations(config));
  const cellIds = selection.lastFailed ? rerunIds(selection.lastFailed, full, warn) : selection.cellIds;
  let cells = filterCells(full.cells, { only: parseOnly(selection.only), cellIds });
  const shard = selection.shard ? parseShard(selection.shard) : undefined;
  if (shard) cells = selectShard(cells, shard);
  return { config, full, plan: planFromCells(cells), shard, cellIds };
}

/**
 * Path dependencies the build will not find: in a folder the build context does not copy
 * (node_modules/dlmatrix/crates/promote-libpython, a package user's first guess) or missing.
 * Every environment would be a build error; said before anything is built, at the manifest line.
 */
export function buildInputWarnings(config: MatrixConfig): string[] {
  return uncopiedPathDependencies(config.project.dir, [config.file]).map((dependency) => {
    const fix = dependency.name === 'promote-libpython' || /promote-libpython/.test(dependency.path)
      ? 'run `npx dlmatrix init --with-fix`, which copies the fix crate into the project and points the dependency at it'
      : `move or copy the crate into the project (or next to it) and point \`path\` there`;
    return `${displayPath(dependency.manifest)}:${dependency.line}:1: warning: path dependency \`${dependency.name}\` (${dependency.path}) ${dependency.why}: every build of ${relative(process.cwd(), config.project.dir) || '.'} will fail\n    hint: ${fix}`;
  });
}

/** The failed cells of the last run that the matrix still has; none: every cell (and why). */
function rerunIds(last: LastFailed, full: Plan, warn: (line: string) => void): string[] {
  const ids = new Set(full.cells.map((cell) => cell.id));
  const again = last.failed.filter((id) => ids.has(id));
  const gone = last.failed.length - again.length;
  if (last.failed.length === 0) warn(`dlmatrix: --last-failed: no cell failed in the last run (${last.from}${existsSync(last.from) ? '' : ' does not exist'}): running every cell`);
  else if (again.length === 0) warn(`dlmatrix: --last-failed: none of the ${last.failed.length} cells that failed in ${last.from} is in the matrix now: running every cell`);
  else warn(`dlmatrix: --last-failed: rerunning the ${again.length} cell${again.length === 1 ? '' : 's'} that failed in ${last.from}${gone ? ` (${gone} no longer in the matrix)` : ''}`);
  return again;
}
