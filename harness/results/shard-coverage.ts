// Which shards of one sharded run a merge has, from each results file's `shard` ("i/n") and
// `selection`: the shards that never arrived, and the filters every shard was run with (so the
// planned cells can be recomputed from the matrix).
import type { RunResults } from './run-results.ts';

export interface ShardCoverage {
  /** n of "i/n". */
  count: number;
  /** Shard numbers (1-based) no input came from. */
  missing: number[];
  /** The --only/--cell filters the shards were run with. */
  selection: NonNullable<RunResults['selection']>;
}

/** Inputs that cannot be shards of one run (different n or filters): merging them is a mistake. */
export class ShardMismatchError extends Error {}

/** Undefined when no input is a shard (plain runs are merged as they are). */
export function shardCoverage(parts: { file: string; results: RunResults }[]): ShardCoverage | undefined {
  const shards = parts.filter((part) => part.results.shard !== undefined);
  if (shards.length === 0) return undefined;
  const parsed = shards.map((part) => {
    const [index, count] = part.results.shard!.split('/').map(Number) as [number, number];
    const selection = part.results.selection ?? { only: [], cells: [] };
    return { file: part.file, index, count, selection, key: JSON.stringify(selection) };
  });
  const [first] = parsed;
  const other = parsed.find((shard) => shard.count !== first!.count || shard.key !== first!.key);
  if (other) {
    const what = other.count !== first!.count ? `shard ${first!.index}/${first!.count} and shard ${other.index}/${other.count}` : `different --only/--cell filters`;
    throw new ShardMismatchError(`${first!.file} and ${other.file} are not shards of one run (${what}); merge the shards of one run together`);
  }
  const present = new Set(parsed.map((shard) => shard.index));
  const missing = Array.from({ length: first!.count }, (_, i) => i + 1).filter((index) => !present.has(index));
  return { count: first!.count, missing, selection: first!.selection };
}
