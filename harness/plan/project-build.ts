// What each environment image must build of the project, decided from the whole matrix (not a
// filtered or sharded part of it, so every run of one matrix shares the same images): the plain
// library, its fixed variant when any cell runs `mitigation: promote`, the built-in loaders
// linked against it when any cell uses `linked`, and the user's host programs the matrix uses.
import type { MatrixConfig } from '../matrix/types.ts';
import type { Plan } from './plan.ts';

/** How the project is built in each toolchain image (docker/scripts/build-project.py reads it). */
export interface ProjectBuildPlan {
  /** The project folder on the host. */
  dir: string;
  build: string;
  library?: string;
  entry: string;
  entryKind: 'probe' | 'void' | 'int';
  /** plain: as it is; promote: the build command with `--features FEATURE`. */
  variants: Array<{ name: 'plain' | 'promote'; features?: string }>;
  /** Built-in loaders to link against the library (the `linked` flags). */
  linked: Array<'c' | 'rust'>;
  /** The user's host programs, built in the project copy after the library. */
  loaders: Array<{ name: string; build?: string }>;
}

export function projectBuildPlan(config: MatrixConfig, full: Plan): ProjectBuildPlan {
  const { project } = config;
  const promote = full.cells.some((cell) => cell.mitigation === 'promote');
  const linked = (['c', 'rust'] as const).filter((loader) => full.cells.some((cell) => cell.axes.loader === loader && cell.mode.kind === 'linked'));
  const used = new Set(full.cells.map((cell) => cell.axes.loader));
  return {
    dir: project.dir,
    build: project.build,
    ...(project.library && { library: project.library }),
    entry: project.entry,
    entryKind: project.entryKind,
    variants: [{ name: 'plain' }, ...(promote ? [{ name: 'promote' as const, features: project.promoteFeature }] : [])],
    linked: [...linked],
    loaders: Object.values(config.loaders)
      .filter((loader) => used.has(loader.name))
      .map((loader) => ({ name: loader.name, ...(loader.build && { build: loader.build }) })),
  };
}
