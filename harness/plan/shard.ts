// --shard i/n: a deterministic split of the cells across n machines. What a shard costs is its
// image builds, and the costliest is the toolchain (compilers, Rust, the project): cells are dealt
// out by toolchain (distro and python) first, so that with as many shards as toolchains none is
// built twice. Only with more shards than toolchains are toolchains split, by environment (which
// then share a toolchain build, or pull it from --cache-registry), and environments only with more
// shards than environments. Orders are byte-wise: the same cells give the same split whatever the
// user's locale.
import type { PlannedCell } from './plan.ts';

export interface ShardSpec {
  index: number; // 1-based
  count: number;
}

export class ShardError extends Error {}

/** `i/n`, or `auto`: GitLab's parallel jobs (CI_NODE_INDEX of CI_NODE_TOTAL, both 1-based). */
export function parseShard(text: string, env: NodeJS.ProcessEnv = process.env): ShardSpec {
  if (text.trim() === 'auto') {
    const [index, count] = [env.CI_NODE_INDEX, env.CI_NODE_TOTAL];
    if (!index || !count) {
      throw new ShardError('--shard auto reads CI_NODE_INDEX and CI_NODE_TOTAL (GitLab `parallel:`), and they are not set; give --shard i/n');
    }
    return parseShard(`${index}/${count}`, {});
  }
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index < 1 || index > count) {
    throw new ShardError(`--shard expects i/n with 1 <= i <= n (e.g. --shard 2/4) or auto, got "${text}"`);
  }
  return { index, count };
}

/** The toolchain image a cell needs: one per distro and python. */
export function toolchainKey(cell: PlannedCell): string {
  return `${cell.axes.distro}/py-${cell.axes.python}`;
}

const byteOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Splits cells into `count` shards; the same cells always give the same split. */
export function splitIntoShards(cells: PlannedCell[], count: number): PlannedCell[][] {
  let units = groups(cells, toolchainKey);
  // More shards than toolchains: split the largest toolchains into their environments, then the
  // largest environments into halves, until every shard can get something.
  const split = (unit: PlannedCell[]): PlannedCell[][] => {
    const environments = groups(unit, (cell) => cell.environment);
    if (environments.length > 1) return environments;
    const half = Math.ceil(unit.length / 2);
    return [unit.slice(0, half), unit.slice(half)];
  };
  while (units.length < count && units.some((unit) => unit.length > 1)) {
    const largest = units.reduce((best, unit, i) => (unit.length > units[best].length ? i : best), 0);
    units = [...units.slice(0, largest), ...split(units[largest]), ...units.slice(largest + 1)];
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

/** Cells grouped by a key, groups in byte order of their keys. */
function groups(cells: PlannedCell[], key: (cell: PlannedCell) => string): PlannedCell[][] {
  const byKey = new Map<string, PlannedCell[]>();
  for (const cell of cells) byKey.set(key(cell), [...(byKey.get(key(cell)) ?? []), cell]);
  return [...byKey.entries()].sort(([a], [b]) => byteOrder(a, b)).map(([, group]) => group);
}

export function selectShard(cells: PlannedCell[], shard: ShardSpec): PlannedCell[] {
  return splitIntoShards(cells, shard.count)[shard.index - 1];
}
