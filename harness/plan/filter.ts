// --only key=glob (repeatable, ANDed) and --cell ID (repeatable, ORed) narrow a plan.
import { matchesGlob } from '../matrix/glob.ts';
import { editDistance } from '../matrix/suggest.ts';
import type { PlannedCell } from './plan.ts';

export interface CellFilter {
  only: Array<{ axis: string; pattern: string }>;
  cellIds: string[];
}

export class FilterError extends Error {}

/** Parses `--only` values of the form `axis=glob`. */
export function parseOnly(values: string[]): CellFilter['only'] {
  return values.map((value) => {
    const eq = value.indexOf('=');
    if (eq <= 0) throw new FilterError(`--only expects axis=value (a glob), got "${value}"; e.g. --only distro=trixie --only 'flags=RTLD_LOCAL*'`);
    return { axis: value.slice(0, eq).trim(), pattern: value.slice(eq + 1).trim() };
  });
}

export function filterCells(cells: PlannedCell[], filter: CellFilter): PlannedCell[] {
  const axes = new Set(cells.flatMap((cell) => Object.keys(cell.axes)));
  for (const { axis } of filter.only) {
    if (!axes.has(axis)) throw new FilterError(`--only ${axis}=…: the matrix has no axis "${axis}"; axes: ${[...axes].join(', ')}`);
  }
  const ids = new Set(cells.map((cell) => cell.id));
  for (const id of filter.cellIds) {
    if (ids.has(id)) continue;
    const nearest = nearestIds(id, [...ids]);
    throw new FilterError(`--cell '${id}': no such cell in the matrix; the nearest: ${nearest.map((n) => `'${n}'`).join(', ')}; list them all with \`dlmatrix plan\``);
  }
  return cells.filter(
    (cell) =>
      filter.only.every(({ axis, pattern }) => cell.axes[axis] !== undefined && matchesGlob(cell.axes[axis], pattern)) &&
      (filter.cellIds.length === 0 || filter.cellIds.includes(cell.id)),
  );
}

/** The ids closest to a mistyped one (fewest edits), best first. */
function nearestIds(id: string, ids: string[], count = 3): string[] {
  return ids
    .map((candidate) => ({ candidate, distance: editDistance(id, candidate) }))
    .sort((a, b) => a.distance - b.distance || (a.candidate < b.candidate ? -1 : 1))
    .slice(0, count)
    .map((x) => x.candidate);
}
