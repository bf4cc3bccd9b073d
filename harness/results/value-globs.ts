// Names a set of axis values briefly for a finding: `RTLD_LOCAL*` instead of
// `RTLD_LOCAL|RTLD_NOW, RTLD_LOCAL|RTLD_LAZY`, but only when the glob is exact: it must match
// every value it stands for and no other value the axis takes, or the sentence would claim more
// than the data shows.

// A prefix ends at one of these, so globs stop at a word boundary (`RTLD_LOCAL*`, `2.*`); a
// version keeps its dot (`2.*` reads as "2.x", `2*` would not).
const SEPARATORS = new Set(['|', '.', '_', '-', '/', ':', '=', ' ', ',', '+']);
const KEPT_SEPARATORS = new Set(['.']);
const GLOB_CHARACTERS = /[*?]/;

/**
 * `group` as display items, in `group` order: exact prefix globs (`RTLD_GLOBAL*`) covering two
 * or more of its values where one exists, the values themselves otherwise. `universe` is every
 * value the axis takes (a superset of `group`).
 */
export function summarizeValues(group: readonly string[], universe: readonly string[]): string[] {
  const members = new Set(group);
  const others = [...new Set(universe)].filter((value) => !members.has(value));
  // A value that already looks like a glob would make the summary ambiguous: list values as they are.
  if ([...members, ...others].some((value) => GLOB_CHARACTERS.test(value))) return [...members];

  const candidates: { prefix: string; covers: string[] }[] = [];
  const seen = new Set<string>();
  for (const value of members) {
    for (let i = 1; i < value.length; i++) {
      if (!SEPARATORS.has(value[i]!)) continue;
      const prefix = value.slice(0, KEPT_SEPARATORS.has(value[i]!) ? i + 1 : i);
      if (seen.has(prefix)) continue;
      seen.add(prefix);
      if (others.some((other) => other.startsWith(prefix))) continue;
      const covers = [...members].filter((member) => member.startsWith(prefix));
      if (covers.length >= 2) candidates.push({ prefix, covers });
    }
  }
  // Greedy cover: widest glob first, the shortest prefix among equals (`RTLD_GLOBAL*`, not `RTLD_GLOBAL|RTLD*`).
  candidates.sort((a, b) => b.covers.length - a.covers.length || a.prefix.length - b.prefix.length);
  const itemOf = new Map<string, string>();
  for (const { prefix, covers } of candidates) {
    if (covers.some((value) => itemOf.has(value))) continue;
    for (const value of covers) itemOf.set(value, `${prefix}*`);
  }
  const items: string[] = [];
  for (const value of members) {
    const item = itemOf.get(value) ?? value;
    if (!items.includes(item)) items.push(item);
  }
  return items;
}

/** "a", "a and b", "a, b and c". */
export function joinWords(items: readonly string[], conjunction = 'and'): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} ${conjunction} ${items.at(-1)}`;
}
