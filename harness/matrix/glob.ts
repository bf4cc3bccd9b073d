// Globs for `expect.when`: `*` matches any run of characters (also none), `?` exactly one, and
// everything else only itself. Deliberately tiny: flag values contain `|`, versions contain `.`,
// and both must stay literal, which a regex or shell glob syntax would not guarantee.

/** True when the whole of `value` matches `pattern` (anchored both ends, case-sensitive). */
export function matchesGlob(value: string, pattern: string): boolean {
  return globMatch(value, pattern).matched;
}

/**
 * The match and the steps it took: at most (value length + 1) x (pattern length + 1), since
 * only the last `*` is ever retried (a backtracking regex can take exponentially many).
 */
export function globMatch(value: string, pattern: string): { matched: boolean; steps: number } {
  // Iterate code points so `?` matches one character even outside the BMP.
  const v = Array.from(value);
  const p = Array.from(pattern);
  let vi = 0;
  let pi = 0;
  let steps = 0;
  // Backtrack point: the last `*` seen and where in `value` it started matching.
  let starP = -1;
  let starV = 0;
  while (vi < v.length) {
    steps++;
    if (pi < p.length && (p[pi] === '?' || (p[pi] !== '*' && p[pi] === v[vi]))) {
      vi++;
      pi++;
    } else if (pi < p.length && p[pi] === '*') {
      starP = pi++;
      starV = vi;
    } else if (starP !== -1) {
      // Let the last `*` swallow one more character and retry. Linear-time in practice, and
      // never exponential like a backtracking regex.
      pi = starP + 1;
      vi = ++starV;
    } else {
      return { matched: false, steps };
    }
  }
  while (pi < p.length && p[pi] === '*') pi++;
  return { matched: pi === p.length, steps };
}

/** True when `value` matches at least one of `patterns` (alternatives). */
export function matchesAnyGlob(value: string, patterns: readonly string[]): boolean {
  return patterns.some((pattern) => matchesGlob(value, pattern));
}

/**
 * An `expect.when` condition: every key must be present in the cell with a value matching one
 * of its globs. A cell without the key does not match (include can create such cells). An
 * empty condition matches every cell.
 */
export function matchesWhen(when: Readonly<Record<string, readonly string[]>>, cell: Readonly<Record<string, string>>): boolean {
  return Object.entries(when).every(([axis, globs]) => {
    const value = cell[axis];
    return value !== undefined && matchesAnyGlob(value, globs);
  });
}
