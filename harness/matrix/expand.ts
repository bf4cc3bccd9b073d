// Expands a matrix into its cells with exactly the semantics of GitHub Actions
// `strategy.matrix` (https://docs.github.com/actions/using-jobs/using-a-matrix-for-your-jobs), so
// that users can reuse what they know and what their CI workflows already do. Every rule and
// every decided edge case is listed in docs/matrix-semantics.md.
import { collapseOwnFlags, ownFlagLoaders } from './own-flags.ts';
import type { Combination, MatrixConfig, MatrixDiagnostic, MatrixEntry } from './types.ts';

export interface Expansion {
  combinations: Combination[];
  warnings: MatrixDiagnostic[];
  /**
   * Parallel to `combinations`: the include entry that created each one, or null for the
   * combinations of the product. Lets errors about a cell point at the line that made it.
   */
  origins: (MatrixEntry | null)[];
}

/** Number of combinations of the cartesian product, computed without building it. */
export function productSize(axes: Readonly<Record<string, readonly string[]>>): number {
  const lists = Object.values(axes);
  if (lists.length === 0) return 0; // no axes: no product (an include-only matrix)
  return lists.reduce((n, values) => n * values.length, 1);
}

/** Cartesian product in axis order; the first axis varies slowest, as in GitHub's job order. */
function cartesian(axes: Readonly<Record<string, readonly string[]>>): Combination[] {
  const names = Object.keys(axes);
  // Zero axes give zero combinations, not one empty one: otherwise the first include entry of
  // an include-only matrix would "extend" that empty combination instead of creating its own.
  if (names.length === 0) return [];
  let result: Combination[] = [{}];
  for (const name of names) {
    const next: Combination[] = [];
    for (const partial of result) {
      for (const value of axes[name]!) next.push({ ...partial, [name]: value });
    }
    result = next;
  }
  return result;
}

/** Every key of the entry is in the combination with the same value (a partial match). */
function matchesAll(combination: Combination, values: Combination): boolean {
  return Object.entries(values).every(([key, value]) => combination[key] === value);
}

function sameCombination(a: Combination, b: Combination): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && matchesAll(b, a);
}

/**
 * Expand `axes` (cartesian product), then remove `exclude` matches, then apply `include`
 * entries in order. Problems that do not stop the run (an exclude that matches nothing, an
 * include that adds nothing) come back as warnings positioned at the entry.
 */
export function expandMatrix(
  axes: Readonly<Record<string, readonly string[]>>,
  exclude: readonly MatrixEntry[],
  include: readonly MatrixEntry[],
): Expansion {
  const warnings: MatrixDiagnostic[] = [];
  const product = cartesian(axes);

  // Exclude: an entry removes every combination it partially matches. An entry is judged
  // against the whole product, so one made redundant by an earlier exclude is not reported: only
  // one whose values never occur together (usually a typo) is.
  for (const entry of exclude) {
    if (!product.some((combination) => matchesAll(combination, entry.values))) {
      warnings.push({
        severity: 'warning',
        at: entry.at,
        message: `exclude entry ${describe(entry.values)} matches no combination`,
        hint: 'check the values against the matrix axes; an exclude only removes combinations that have all of its values',
      });
    }
  }
  const originals = product.filter(
    (combination) => !exclude.some((entry) => matchesAll(combination, entry.values)),
  );

  // Include: only the product's own axis values are protected from overwriting. Values that an
  // earlier include added may be overwritten by a later one.
  const axisNames = new Set(Object.keys(axes));
  const extended = originals.map((combination) => ({ ...combination }));
  const added: Combination[] = [];
  const addedBy: MatrixEntry[] = [];
  for (const entry of include) {
    const pairs = Object.entries(entry.values);
    let fits = false;
    let changed = false;
    for (let i = 0; i < originals.length; i++) {
      const original = originals[i]!;
      const overwritesOriginal = pairs.some(
        ([key, value]) => axisNames.has(key) && original[key] !== value,
      );
      if (overwritesOriginal) continue;
      fits = true;
      const target = extended[i]!;
      for (const [key, value] of pairs) {
        if (target[key] !== value) {
          target[key] = value;
          changed = true;
        }
      }
    }
    if (fits) {
      if (!changed) warnings.push(addsNothing(entry, 'every combination it fits already has its values'));
      continue;
    }
    // Fits no original combination: it becomes a combination of its own. Such combinations are
    // never extended by later entries (GitHub's banana example relies on this).
    const combination = { ...entry.values };
    if ([...extended, ...added].some((existing) => sameCombination(existing, combination))) {
      // Running the same cell twice would only duplicate its result (and its id).
      warnings.push(addsNothing(entry, 'an identical combination already exists, so it is not added twice'));
      continue;
    }
    added.push(combination);
    addedBy.push(entry);
  }

  return {
    combinations: [...extended, ...added],
    warnings,
    origins: [...extended.map(() => null), ...addedBy],
  };
}

function addsNothing(entry: MatrixEntry, why: string): MatrixDiagnostic {
  return {
    severity: 'warning',
    at: entry.at,
    message: `include entry ${describe(entry.values)} adds nothing: ${why}`,
    hint: 'remove the entry, or give it a key:value pair that is not already in the matrix',
  };
}

function describe(values: Combination): string {
  const pairs = Object.entries(values).map(([key, value]) => `${key}: ${JSON.stringify(value)}`);
  return `{${pairs.join(', ')}}`;
}

/**
 * The cells of a loaded matrix, so that callers never re-implement the GitHub rules: the
 * expansion, then host programs that take no {flags} collapsed to one `own` cell (own-flags.ts).
 */
export function matrixCombinations(config: MatrixConfig): Combination[] {
  return collapseOwnFlags(expandMatrix(config.axes, config.exclude, config.include).combinations, ownFlagLoaders(config.loaders)).cells;
}
