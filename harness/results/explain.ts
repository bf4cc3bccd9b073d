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
 * value is the same for every cell. Candidates are made as they are asked for: the three-attribute
 * ones only when no smaller one was taken.
 */
export function* explanations(cells: CellResult[], attributes: Attribute[], valueOf: (cell: CellResult) => string): Generator<Explanation> {
  if (cells.length === 0) return;
  // Every value read once and numbered in first-appearance order: grouping then compares numbers.
  const values = encode(cells, valueOf);
  if (values.size === 1) {
    yield evaluate(cells, [], [], values);
    return;
  }
  const usable = distinctPartitions(attributes.map((attribute) => ({ attribute, coded: encode(cells, attribute.read) })));
  const limit = Math.floor(cells.length * MAX_EXCEPTION_SHARE);
  const candidates = (size: number) =>
    size > Math.min(MAX_EXPLAINING_ATTRIBUTES, usable.length)
      ? []
      : subsets(usable, size)
          .map((set) => evaluate(cells, set.map((u) => u.attribute), set.map((u) => u.coded), values))
          .filter((e) => new Set(e.groups.map((group) => group.majority)).size > 1 && e.exceptions.length <= limit);
  const exact = (list: Explanation[]) => list.filter((e) => e.exact);
  const inexact = (list: Explanation[]) => list.filter((e) => !e.exact);
  // Stable sort: equal exception counts keep the smaller set, then the attributes' order.
  const fewestExceptions = (list: Explanation[]) => list.sort((a, b) => a.exceptions.length - b.exceptions.length);
  const [one, two] = [candidates(1), candidates(2)];
  yield* [...exact(one), ...exact(two), ...fewestExceptions([...inexact(one), ...inexact(two)])];
  const three = candidates(3);
  yield* [...exact(three), ...fewestExceptions(inexact(three))];
}

/** Each cell's value as a number, values numbered in order of first appearance. */
interface Coded {
  codes: Int32Array;
  names: string[];
  size: number;
}

function encode(cells: CellResult[], read: (cell: CellResult) => string): Coded {
  const numbers = new Map<string, number>();
  const codes = new Int32Array(cells.length);
  cells.forEach((cell, i) => {
    const value = read(cell);
    let n = numbers.get(value);
    if (n === undefined) numbers.set(value, (n = numbers.size));
    codes[i] = n;
  });
  return { codes, names: [...numbers.keys()], size: numbers.size };
}

function evaluate(cells: CellResult[], by: Attribute[], coded: Coded[], values: Coded): Explanation {
  // A group's key is its attributes' codes as one number (mixed radix), or a string when too large.
  const numeric = coded.reduce((product, c) => product * c.size, 1) < Number.MAX_SAFE_INTEGER;
  const groups = new Map<number | string, number[]>();
  for (let i = 0; i < cells.length; i++) {
    let key: number | string = 0;
    if (numeric) for (const c of coded) key = (key as number) * c.size + c.codes[i]!;
    else key = coded.map((c) => c.codes[i]).join(',');
    let members = groups.get(key);
    if (!members) groups.set(key, (members = []));
    members.push(i);
  }
  const exceptions: CellResult[] = [];
  const result: CellGroup[] = [];
  const counts = new Int32Array(values.size);
  for (const members of groups.values()) {
    // The most common value; the first seen wins a tie.
    let majority = values.codes[members[0]!]!;
    for (const i of members) {
      const value = values.codes[i]!;
      if (++counts[value]! > counts[majority]!) majority = value;
    }
    // Ties: the count test above keeps the earliest value to reach a count, not the first seen.
    majority = firstSeenMostCommon(members, values.codes, counts, majority);
    for (const i of members) counts[values.codes[i]!] = 0;
    const group = members.map((i) => cells[i]!);
    for (const i of members) if (values.codes[i] !== majority) exceptions.push(cells[i]!);
    result.push({ values: by.map((attribute) => attribute.read(group[0]!)), cells: group, majority: values.names[majority]! });
  }
  return { by, exact: exceptions.length === 0, groups: result, exceptions };
}

/** Among the values with the highest count, the one seen first in `members`. */
function firstSeenMostCommon(members: number[], codes: Int32Array, counts: Int32Array, leader: number): number {
  const best = counts[leader]!;
  for (const i of members) if (counts[codes[i]!] === best) return codes[i]!;
  return leader;
}

/** Attributes that split the cells, each split once (the first attribute giving it is kept). */
function distinctPartitions<T extends { coded: Coded }>(attributes: T[]): T[] {
  const seen = new Set<string>();
  return attributes.filter(({ coded }) => {
    if (coded.size < 2) return false;
    // First-appearance numbering is canonical: two attributes split alike exactly when their codes are equal.
    const key = coded.codes.join(',');
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
