// --shard i/n: a deterministic split of the cells across n machines. Cells of one environment
// share an image build, so whole environments are dealt out (largest first, to the least-loaded
// shard); only when there are fewer environments than shards are the largest ones split.
import type { PlannedCell } from './plan.ts';

export interface ShardSpec {
  index: number; // 1-based
  count: number;
}

export class ShardError extends Error {}

export function parseShard(text: string): ShardSpec {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index < 1 || index > count) {
    throw new ShardError(`--shard expects i/n with 1 <= i <= n (e.g. --shard 2/4), got "${text}"`);
  }
  return { index, count };
}

/** Splits cells into `count` shards; the same cells always give the same split. */
export function splitIntoShards(cells: PlannedCell[], count: number): PlannedCell[][] {
  const groups = new Map<string, PlannedCell[]>();
  for (const cell of cells) groups.set(cell.environment, [...(groups.get(cell.environment) ?? []), cell]);
  let units = [...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, group]) => group);

  // Fewer environments than shards: split the largest groups so no shard idles.
  while (units.length < count && units.some((unit) => unit.length > 1)) {
    const largest = units.reduce((best, unit, i) => (unit.length > units[best].length ? i : best), 0);
    const unit = units[largest];
    const half = Math.ceil(unit.length / 2);
    units = [...units.slice(0, largest), unit.slice(0, half), unit.slice(half), ...units.slice(largest + 1)];
  }

  const shards: PlannedCell[][] = Array.from({ length: count }, () => []);
  const order = units.map((unit, i) => ({ unit, i })).sort((a, b) => b.unit.length - a.unit.length || a.i - b.i);
  for (const { unit } of order) {
    const target = shards.reduce((best, shard, i) => (shard.length < shards[best].length ? i : best), 0);
    shards[target].push(...unit);
  }
  // Keep the plan's order inside each shard.
  const position = new Map(cells.map((cell, i) => [cell.id, i]));
  return shards.map((shard) => shard.sort((a, b) => position.get(a.id)! - position.get(b.id)!));
}

export function selectShard(cells: PlannedCell[], shard: ShardSpec): PlannedCell[] {
  return splitIntoShards(cells, shard.count)[shard.index - 1];
}
