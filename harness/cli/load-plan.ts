// Shared by `run` and `plan`: matrix file -> validated config -> plan, narrowed by the
// --only / --cell filters and the --shard selection.
import { relative } from 'node:path';
import { uncopiedPathDependencies } from '../docker/project-source.ts';
import { displayPath, formatDiagnostic } from '../matrix/diagnostics.ts';
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
  for (const line of buildInputWarnings(config)) warn(line);
  const full = buildPlan(config, matrixCombinations(config));
  let cells = filterCells(full.cells, { only: parseOnly(selection.only), cellIds: selection.cellIds });
  const shard = selection.shard ? parseShard(selection.shard) : undefined;
  if (shard) cells = selectShard(cells, shard);
  return { config, full, plan: planFromCells(cells), shard };
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
