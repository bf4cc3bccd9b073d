// A host program whose `run` takes no {flags} opens the library its own way: every value of the
// flags axis would run the very same command. Its cells collapse to one per combination of the
// other axes, with flags `own`, so no two cells run the same thing (README: "Test your own project").
import { OWN } from './flags.ts';
import type { Combination, CustomLoader } from './types.ts';

export interface Collapsed {
  cells: Combination[];
  /** For each kept cell, its index in the input (to keep positions of include entries). */
  kept: number[];
}

export function ownFlagLoaders(loaders: Readonly<Record<string, CustomLoader>>): Set<string> {
  return new Set(Object.values(loaders).filter((loader) => !loader.usesFlags).map((loader) => loader.name));
}

export function collapseOwnFlags(cells: readonly Combination[], ownLoaders: ReadonlySet<string>): Collapsed {
  const out: Collapsed = { cells: [], kept: [] };
  if (ownLoaders.size === 0) return { cells: [...cells], kept: cells.map((_, i) => i) };
  const seen = new Set<string>();
  cells.forEach((cell, i) => {
    let kept = cell;
    if (cell.loader !== undefined && ownLoaders.has(cell.loader)) {
      kept = { ...cell, flags: OWN };
      const identity = JSON.stringify(Object.entries(kept).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
      if (seen.has(identity)) return;
      seen.add(identity);
    }
    out.cells.push(kept);
    out.kept.push(i);
  });
  return out;
}
