// matrix -> plan: the cells to run, grouped by the environment (distro, python, numpy) whose
// image and container they share. Pure: nothing here touches Docker.
import { parseFlags, type LoadMode } from '../matrix/flags.ts';
import { PYTHON_BUILD_AXIS, type Combination, type MatrixConfig, type Mitigation, type PythonBuildName } from '../matrix/types.ts';
import type { CellAxes, Outcome } from '../results/run-results.ts';
import { expectedOutcomes } from '../verdict/expectations.ts';
import { cellId, environmentKey } from './cell-id.ts';

export interface PlannedCell {
  id: string;
  axes: CellAxes;
  environment: string;
  mode: LoadMode;
  /** The `mitigation` axis (`none` when the matrix has no such axis). */
  mitigation: Mitigation;
  expected: Outcome[];
}

export interface PlannedEnvironment {
  key: string;
  distro: string;
  python: string;
  /** Where its CPython comes from (the `python-build` axis; `distro` when the matrix has none). */
  pythonBuild: PythonBuildName;
  numpy: string;
  cells: PlannedCell[];
}

export interface Plan {
  cells: PlannedCell[];
  environments: PlannedEnvironment[];
}

/** `combinations` come from matrixCombinations, which never repeats one. */
export function buildPlan(config: MatrixConfig, combinations: Combination[]): Plan {
  const cells = combinations.map((combination): PlannedCell => {
    const axes = combination as CellAxes;
    return {
      id: cellId(axes),
      axes,
      environment: environmentKey(axes),
      mode: parseFlags(axes.flags),
      mitigation: (axes.mitigation ?? 'none') as Mitigation,
      expected: expectedOutcomes(config.expect, axes),
    };
  });
  return planFromCells(cells);
}

/** Groups cells by environment, keeping first-appearance order (also used after filtering). */
export function planFromCells(cells: PlannedCell[]): Plan {
  const environments = new Map<string, PlannedEnvironment>();
  for (const cell of cells) {
    let environment = environments.get(cell.environment);
    if (!environment) {
      const { distro, python, numpy } = cell.axes;
      const pythonBuild = (cell.axes[PYTHON_BUILD_AXIS] ?? 'distro') as PythonBuildName;
      environment = { key: cell.environment, distro, python, pythonBuild, numpy, cells: [] };
      environments.set(cell.environment, environment);
    }
    environment.cells.push(cell);
  }
  return { cells, environments: [...environments.values()] };
}
