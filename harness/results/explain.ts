// Which attributes of the cells (their axes, the versions they resolved) decide a value such as
// the outcome: the smallest set such that cells agreeing on those attributes agree on the value.
// When no small set does so exactly, the set that is right for the most cells, with the cells it
// gets wrong (the exceptions) kept so that no claim is made for them.
import type { CellResult } from './run-results.ts';

/** A named way to read one value off a cell. */
export interface Attribute {
  /** Stable name in results.json: an axis (`flags`) or a resolved version (`resolved.numpy`). */
  key: string;
  /** Name in sentences: `flags`, `numpy version`. */
  label: string;
  read: (cell: CellResult) => string;
}

/** Cells that agree on the explaining attributes. */
export interface CellGroup {
  /** The attributes' values, in the order of `Explanation.by`. */
  values: string[];
  cells: CellResult[];
  /** The value most of its cells have (first seen wins a tie). */
  majority: string;
}

export interface Explanation {
  /** The attributes that decide the value; empty when every cell has the same value. */
  by: Attribute[];
  /** True when every cell has its group's value (no exceptions). */
  exact: boolean;
  /** In order of first appearance. */
  groups: CellGroup[];
  /** Cells whose value is not their group's majority. */
  exceptions: CellResult[];
}

/** Sets larger than this read as a lookup table, not as an explanation. */
export const MAX_EXPLAINING_ATTRIBUTES = 3;
/** An inexact explanation is offered only when it is wrong for at most this share of the cells. */
export const MAX_EXCEPTION_SHARE = 0.25;

/**
 * Candidate explanations of `valueOf` over `cells`, best first: one attribute exactly, then two
 * exactly, then one or two with the fewest exceptions (the smaller set on a tie), then three
 * exactly, then three with exceptions. Within a tier, the order of `attributes` decides.
 * Attributes that do not vary, or that split the cells exactly like an earlier one, are dropped,
 * and so is a candidate whose groups all have the same value (it explains nothing). Empty when
 * nothing explains the value within those limits; a single candidate with no attributes when the
 * value is the same for every cell.
 */
export function explanations(cells: CellResult[], attributes: Attribute[], valueOf: (cell: CellResult) => string): Explanation[] {
  if (cells.length === 0) return [];
  if (new Set(cells.map(valueOf)).size === 1) return [evaluate(cells, [], valueOf)];
  const usable = distinctPartitions(cells, attributes);
  const limit = Math.floor(cells.length * MAX_EXCEPTION_SHARE);
  const candidates = (size: number) =>
    size > Math.min(MAX_EXPLAINING_ATTRIBUTES, usable.length)
      ? []
      : subsets(usable, size)
          .map((set) => evaluate(cells, set, valueOf))
          .filter((e) => new Set(e.groups.map((group) => group.majority)).size > 1 && e.exceptions.length <= limit);
  const [one, two, three] = [1, 2, 3].map(candidates) as [Explanation[], Explanation[], Explanation[]];
  const exact = (list: Explanation[]) => list.filter((e) => e.exact);
  const inexact = (list: Explanation[]) => list.filter((e) => !e.exact);
  // Stable sort: equal exception counts keep the smaller set, then the attributes' order.
  const fewestExceptions = (list: Explanation[]) => list.sort((a, b) => a.exceptions.length - b.exceptions.length);
  return [...exact(one), ...exact(two), ...fewestExceptions([...inexact(one), ...inexact(two)]), ...exact(three), ...fewestExceptions(inexact(three))];
}

function evaluate(cells: CellResult[], by: Attribute[], valueOf: (cell: CellResult) => string): Explanation {
  const groups = new Map<string, { values: string[]; cells: CellResult[] }>();
  for (const cell of cells) {
    const values = by.map((attribute) => attribute.read(cell));
    const key = JSON.stringify(values);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { values, cells: [] }));
    group.cells.push(cell);
  }
  const exceptions: CellResult[] = [];
  const result: CellGroup[] = [];
  for (const group of groups.values()) {
    const majority = mostCommon(group.cells.map(valueOf));
    for (const cell of group.cells) if (valueOf(cell) !== majority) exceptions.push(cell);
    result.push({ ...group, majority });
  }
  return { by, exact: exceptions.length === 0, groups: result, exceptions };
}

function mostCommon(values: string[]): string {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  let best = values[0]!;
  for (const [value, count] of counts) if (count > counts.get(best)!) best = value;
  return best;
}

/** Attributes that split the cells, each split once (the first attribute giving it is kept). */
function distinctPartitions(cells: CellResult[], attributes: Attribute[]): Attribute[] {
  const seen = new Set<string>();
  return attributes.filter((attribute) => {
    const first = new Map<string, number>();
    const signature = cells.map((cell, i) => {
      const value = attribute.read(cell);
      if (!first.has(value)) first.set(value, i);
      return first.get(value);
    });
    if (first.size < 2) return false;
    const key = signature.join(',');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Every `size`-element subset of `items`, in lexicographic order of positions. */
function subsets<T>(items: T[], size: number): T[][] {
  if (size === 0) return [[]];
  const result: T[][] = [];
  items.forEach((item, i) => {
    for (const rest of subsets(items.slice(i + 1), size - 1)) result.push([item, ...rest]);
  });
  return result;
}
