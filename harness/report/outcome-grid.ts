// The matrix as a grid, shared by the HTML report and the GitHub job summary: one row per
// environment, one column per loader x flags (x extra axes such as `mitigation`), columns ordered
// loader first so that header rows can group them. A row whose cells were all skipped folds into
// one line with the reason: it has nothing to compare.
import type { CellResult, EnvironmentInfo, RunResults } from '../results/run-results.ts';
import { groupByEnvironment } from './environments.ts';
import { extraAxisNames } from './wording.ts';

export interface GridColumn {
  /** `c0`, `c1`…: stable within one grid, used as an HTML attribute. */
  id: string;
  /** The column's value for each header level (loader, flags, then extra axes). */
  values: string[];
  /** First column of its loader: reports draw a separator before it. */
  startsGroup: boolean;
}

export interface GridRow {
  environment: EnvironmentInfo;
  /** Index into results.cells of the cell in each column, by column id; absent: not in the matrix. */
  cellAt: Map<string, number>;
  /** Indexes of this row's cells in results.cells. */
  cells: number[];
  /** Set when every cell of the row was skipped: the distinct reasons, most common first. */
  skipped?: string[];
}

/** One header cell: a value spanning consecutive columns that share it and every level above. */
export interface HeaderCell {
  label: string;
  columns: string[];
}

export interface OutcomeGrid {
  /** Header level names: `loader`, `flags`, then the extra axes. */
  levels: string[];
  columns: GridColumn[];
  /** One list per level, top first. */
  header: HeaderCell[][];
  rows: GridRow[];
}

export function buildOutcomeGrid(results: RunResults): OutcomeGrid {
  const extras = [...new Set(results.cells.flatMap((cell) => extraAxisNames(cell.axes)))];
  const levels = ['loader', 'flags', ...extras];
  const valuesOf = (cell: CellResult) => levels.map((level) => cell.axes[level] ?? '');
  // Each level's values in order of first appearance; columns sort by them, loader first.
  const appearance = levels.map(() => new Map<string, number>());
  const byKey = new Map<string, string[]>();
  for (const cell of results.cells) {
    const values = valuesOf(cell);
    values.forEach((value, level) => appearance[level]!.has(value) || appearance[level]!.set(value, appearance[level]!.size));
    byKey.set(JSON.stringify(values), values);
  }
  const rank = (values: string[]) => values.map((value, level) => appearance[level]!.get(value)!);
  const sorted = [...byKey.values()].sort((a, b) => {
    const ra = rank(a);
    const rb = rank(b);
    const level = ra.findIndex((r, i) => r !== rb[i]);
    return level === -1 ? 0 : ra[level]! - rb[level]!;
  });
  const columns = sorted.map((values, i): GridColumn => ({ id: `c${i}`, values, startsGroup: i > 0 && values[0] !== sorted[i - 1]![0] }));
  const columnOf = new Map(columns.map((column) => [JSON.stringify(column.values), column.id]));

  const index = new Map(results.cells.map((cell, i) => [cell, i]));
  const rows = groupByEnvironment(results).map(({ environment, cells }): GridRow => {
    const cellAt = new Map(cells.map((cell) => [columnOf.get(JSON.stringify(valuesOf(cell)))!, index.get(cell)!]));
    const allSkipped = cells.length > 0 && cells.every((cell) => cell.outcome === 'skipped' && cell.verdict === 'skip');
    return { environment, cellAt, cells: cells.map((cell) => index.get(cell)!), ...(allSkipped && { skipped: reasons(cells) }) };
  });
  return { levels, columns, header: headerRows(columns, levels.length), rows };
}

function headerRows(columns: GridColumn[], depth: number): HeaderCell[][] {
  return Array.from({ length: depth }, (_, level) => {
    const cells: HeaderCell[] = [];
    let previous: string | undefined;
    for (const column of columns) {
      const key = JSON.stringify(column.values.slice(0, level + 1));
      if (key === previous) cells.at(-1)!.columns.push(column.id);
      else cells.push({ label: column.values[level]!, columns: [column.id] });
      previous = key;
    }
    return cells;
  });
}

function reasons(cells: CellResult[]): string[] {
  const counts = new Map<string, number>();
  for (const cell of cells) {
    const reason = cell.reason?.trim() || 'skipped';
    counts.set(reason, (counts.get(reason) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1]).map(([reason]) => reason);
}
