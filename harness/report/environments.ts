// Reports are organised by environment (distro x python x numpy): JUnit suites, HTML grid rows.
import type { CellResult, EnvironmentInfo, RunResults } from '../results/run-results.ts';

export interface EnvironmentGroup {
  environment: EnvironmentInfo;
  cells: CellResult[];
}

/**
 * Environments in the run's order, each with its cells in run order. A cell whose environment is
 * missing from `environments` (a hand-merged file) still gets a group, built from its axes.
 */
export function groupByEnvironment(results: RunResults): EnvironmentGroup[] {
  const groups = new Map<string, EnvironmentGroup>();
  for (const environment of results.environments) groups.set(environment.key, { environment, cells: [] });
  for (const cell of results.cells) {
    let group = groups.get(cell.environment);
    if (!group) {
      const { distro, python, numpy } = cell.axes;
      group = { environment: { key: cell.environment, distro, python, numpy, resolved: { ...cell.resolved } }, cells: [] };
      groups.set(cell.environment, group);
    }
    group.cells.push(cell);
  }
  return [...groups.values()];
}
