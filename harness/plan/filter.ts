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
  const matches = (cell: PlannedCell, only: CellFilter['only'][number]) => cell.axes[only.axis] !== undefined && matchesGlob(cell.axes[only.axis], only.pattern);
  const selected = cells.filter((cell) => filter.only.every((only) => matches(cell, only)) && (filter.cellIds.length === 0 || filter.cellIds.includes(cell.id)));
  // A selection of nothing is a mistake (a typo, a glob without its *): running it would report
  // "0 cells" as a success and replace the last reports with empty ones.
  if (selected.length === 0 && cells.length > 0) throw new FilterError(emptySelection(cells, filter, matches));
  return selected;
}

function emptySelection(cells: PlannedCell[], filter: CellFilter, matches: (cell: PlannedCell, only: CellFilter['only'][number]) => boolean): string {
  const option = (only: CellFilter['only'][number]) => `--only ${only.axis}=${only.pattern}`;
  const valuesOf = (axis: string) => [...new Set(cells.map((cell) => cell.axes[axis]).filter((v) => v !== undefined))];
  const unmatched = filter.only.filter((only) => !cells.some((cell) => matches(cell, only)));
  if (unmatched.length > 0) {
    const lines = unmatched.map((only) => {
      const values = valuesOf(only.axis);
      const hint = /[*?]/.test(only.pattern) ? '' : `; a value is matched whole: add * for a prefix (e.g. ${only.axis}='${only.pattern}*')`;
      return `${option(only)} matches no cell; ${only.axis} has: ${values.join(', ')}${hint}`;
    });
    return `${lines.join('\n')}\nNothing was run and no report was written.`;
  }
  const what = [...filter.only.map(option), ...filter.cellIds.map((id) => `--cell '${id}'`)].join(' ');
  return `${what}: each matches some cells, but no cell matches all of them (--only filters are ANDed, --cell ids must also match them); list the cells with \`dlmatrix plan\`. Nothing was run and no report was written.`;
}

/** The ids closest to a mistyped one (fewest edits), best first. */
function nearestIds(id: string, ids: string[], count = 3): string[] {
  return ids
    .map((candidate) => ({ candidate, distance: editDistance(id, candidate) }))
    .sort((a, b) => a.distance - b.distance || (a.candidate < b.candidate ? -1 : 1))
    .slice(0, count)
    .map((x) => x.candidate);
}
