// The data index.html carries for its script, compact enough that a run of 100,000 cells stays a
// file of a few MB that opens in a second or two:
//   - the index: what the grid and the filters need for every cell, as columns of small numbers
//     (each axis value, outcome, verdict, grid row and column is an index into a short list);
//   - the details: what a cell's detail shows (html-cell-view.ts), in chunks of CHUNK_CELLS cells,
//     each with a table of distinct texts per field, so an output printed by a hundred cells is
//     stored once (and texts of one kind sit together, which compresses best). The page inflates
//     a chunk when a cell in it is opened (or all of them for a text search).
// Each part is JSON, gzip-compressed and base64-encoded; the browser inflates it with its own
// DecompressionStream. Every text is sanitized (no control characters, no terminal escapes) and
// the page's script only ever writes it as text.
import { gzipSync } from 'node:zlib';
import { CHANGE_KINDS, type CellChange } from '../results/diff.ts';
import { OUTCOMES } from '../results/run-results.ts';
import type { CellResult, EnvironmentInfo, RunResults, Verdict } from '../results/run-results.ts';
import { cellView, OUTPUT_LABELS, PLAIN_TEXT, TITLE_FIELDS, VERDICT_LABEL, whyShort, type CellView, type TextTransforms } from './html-cell-view.ts';
import { OUTCOME_WORDS } from './wording.ts';
import type { OutcomeGrid } from './outcome-grid.ts';
import { sanitizeText } from './text.ts';

/** Cells per detail chunk: opening a cell inflates one chunk (a few hundred KB of text at most). */
export const CHUNK_CELLS = 1000;

/** The JSON island of the page. */
export interface PageData {
  /** IndexData, gzip, base64. */
  index: string;
  /** ChunkData of cells [i * chunkCells, (i + 1) * chunkCells), gzip, base64. */
  chunks: string[];
  chunkCells: number;
}

export interface IndexData {
  cells: number;
  /** Axis names, in the order of the filters. */
  axes: string[];
  /** Per axis, its distinct values. */
  values: string[][];
  /** Per axis, per cell: index into `values` of that axis. */
  axis: number[][];
  outcomes: { name: string; words: string }[];
  outcome: number[];
  verdicts: { name: Verdict; label: string }[];
  verdict: number[];
  /** Short texts under the outcome in a grid cell (symbols, signals, first lines of reasons). */
  whys: string[];
  /** Per cell: index into `whys`, -1 for none. */
  why: number[];
  changeKinds: string[];
  /** Per cell: index into `changeKinds`, -1 when the cell did not change since the baseline. */
  change: number[];
  columns: { id: string; startsGroup: boolean }[];
  /** Per cell: index into `columns`. */
  column: number[];
  rows: GridRowData[];
  /** Per cell: index into `rows`. */
  row: number[];
  /** The fields of a chunk, in order (DETAIL_FIELDS). */
  fields: readonly DetailField[];
  /** The fields a grid cell's tooltip shows, one line each. */
  titleFields: readonly DetailField[];
  outputLabels: typeof OUTPUT_LABELS;
}

/** One grid row: an environment, or all its cells skipped and folded into one line. */
export interface GridRowData {
  key: string;
  distro: string;
  /** The requested value, and what it resolved to when that differs. */
  python: string[];
  numpy: string[];
  folded?: { first: number; cells: number; reasons: string };
}

/** The texts of a cell's detail (CellView's, but for `why`, which the index holds, and `baselineKind`). */
export const DETAIL_FIELDS = [
  'id',
  'environment',
  'cell',
  'expected',
  'actual',
  'summary',
  'reason',
  'baseline',
  'baselineLine',
  'run',
  'command',
  'rerun',
  'decoded',
  'stdout',
  'stderr',
] as const satisfies readonly (keyof CellView)[];
export type DetailField = (typeof DETAIL_FIELDS)[number];

export interface ChunkData {
  /** Per field (DETAIL_FIELDS order): its distinct texts in this chunk. */
  strings: string[][];
  /** Per field, per cell of the chunk: index into that field's `strings`, -1 when the cell has none. */
  refs: number[][];
}

/** Distinct values in order of first appearance, each with its index. */
class Table {
  readonly list: string[] = [];
  private readonly index = new Map<string, number>();
  ref(value: string | undefined): number {
    if (value === undefined) return -1;
    let i = this.index.get(value);
    if (i === undefined) {
      i = this.list.push(value) - 1;
      this.index.set(value, i);
    }
    return i;
  }
}

const pack = (value: unknown) => gzipSync(JSON.stringify(value)).toString('base64');

function indexData(results: RunResults, grid: OutcomeGrid, changes: Map<string, CellChange>, axes: string[]): IndexData {
  const n = results.cells.length;
  const values = axes.map(() => new Table());
  // Axis values repeat over every cell: each distinct raw value is sanitized once.
  const valueIndex = axes.map(() => new Map<string, number>());
  const axisValue = (a: number, raw: string) => {
    let i = valueIndex[a]!.get(raw);
    if (i === undefined) valueIndex[a]!.set(raw, (i = values[a]!.ref(sanitizeText(raw))));
    return i;
  };
  const whys = new Table();
  const column = new Array<number>(n).fill(-1);
  const row = new Array<number>(n).fill(-1);
  const columnIndex = new Map(grid.columns.map((c, i) => [c.id, i]));
  grid.rows.forEach((gridRow, r) => {
    for (const i of gridRow.cells) row[i] = r;
    for (const [id, i] of gridRow.cellAt) column[i] = columnIndex.get(id)!;
  });
  const verdicts = Object.keys(VERDICT_LABEL) as Verdict[];
  const changeKinds = [...CHANGE_KINDS];
  const resolved = (requested: string, actual?: string) => (actual && actual !== requested ? [sanitizeText(requested), sanitizeText(actual)] : [sanitizeText(requested)]);
  return {
    cells: n,
    axes: axes.map(sanitizeText),
    axis: axes.map((name, a) => results.cells.map((cell) => axisValue(a, cell.axes[name] ?? ''))),
    values: values.map((table) => table.list),
    outcomes: OUTCOMES.map((name) => ({ name, words: OUTCOME_WORDS[name] })),
    outcome: results.cells.map((cell) => OUTCOMES.indexOf(cell.outcome)),
    verdicts: verdicts.map((name) => ({ name, label: VERDICT_LABEL[name] })),
    verdict: results.cells.map((cell) => verdicts.indexOf(cell.verdict)),
    why: results.cells.map((cell) => whys.ref(mapDefined(whyShort(cell), sanitizeText))),
    whys: whys.list,
    changeKinds,
    change: results.cells.map((cell) => {
      const kind = changes.get(cell.id)?.kind;
      return kind ? changeKinds.indexOf(kind) : -1;
    }),
    columns: grid.columns.map((c) => ({ id: c.id, startsGroup: c.startsGroup })),
    column,
    rows: grid.rows.map((gridRow) => {
      const env = gridRow.environment;
      return {
        key: sanitizeText(env.key),
        distro: sanitizeText(env.distro),
        python: resolved(env.python, env.resolved.python),
        numpy: resolved(env.numpy, env.resolved.numpy),
        ...(gridRow.skipped && { folded: { first: gridRow.cells[0]!, cells: gridRow.cells.length, reasons: sanitizeText(gridRow.skipped.join('; ')) } }),
      };
    }),
    row,
    fields: DETAIL_FIELDS,
    titleFields: TITLE_FIELDS,
    outputLabels: OUTPUT_LABELS,
  };
}

const mapDefined = <T, U>(value: T | undefined, f: (value: T) => U) => (value === undefined ? undefined : f(value));

/** Each distinct long text sanitized once: the same outputs repeat over many cells. */
function memoizedTexts(): TextTransforms {
  const memo = <T>(f: (text: string) => T) => {
    const done = new Map<string, T>();
    return (text: string): T => {
      if (text.length < 32) return f(text);
      if (!done.has(text)) done.set(text, f(text));
      return done.get(text)!;
    };
  };
  return { clean: memo(PLAIN_TEXT.clean), decode: PLAIN_TEXT.decode };
}

function chunkData(cells: CellResult[], environmentOf: (cell: CellResult) => EnvironmentInfo, matrixFile: string, changes: Map<string, CellChange>, texts: TextTransforms): ChunkData {
  const tables = DETAIL_FIELDS.map(() => new Table());
  const refs = DETAIL_FIELDS.map(() => new Array<number>(cells.length));
  cells.forEach((cell, k) => {
    const view = cellView(cell, environmentOf(cell), matrixFile, changes.get(cell.id), texts);
    DETAIL_FIELDS.forEach((name, f) => (refs[f]![k] = tables[f]!.ref(view[name])));
  });
  return { strings: tables.map((table) => table.list), refs };
}

/** Everything the page's script needs, packed. `axes` are the filterable axes, in the filters' order. */
export function encodePageData(
  results: RunResults,
  grid: OutcomeGrid,
  changes: Map<string, CellChange>,
  axes: string[],
  environmentOf: (cell: CellResult) => EnvironmentInfo,
): PageData {
  const texts = memoizedTexts();
  const chunks: string[] = [];
  for (let from = 0; from < results.cells.length; from += CHUNK_CELLS) {
    chunks.push(pack(chunkData(results.cells.slice(from, from + CHUNK_CELLS), environmentOf, results.matrixFile, changes, texts)));
  }
  return { index: pack(indexData(results, grid, changes, axes)), chunks, chunkCells: CHUNK_CELLS };
}
