import { describe, expect, it } from 'vitest';
import type { PlannedCell } from './plan.ts';
import { parseShard, ShardError, splitIntoShards, toolchainKey } from './shard.ts';

const cells = (spec: Record<string, number>): PlannedCell[] =>
  Object.entries(spec).flatMap(([environment, count]) =>
    Array.from({ length: count }, (_, i) => {
      // Environment keys look like `bookworm/py-system/np-2.2.6`; the first two parts name the toolchain.
      const [distro = environment, python = 'py-system'] = environment.split('/');
      const axes = { distro, python: python.replace(/^py-/, ''), numpy: 'system', loader: 'c', flags: 'linked' };
      return { id: `${environment}/${i}`, environment, axes, mode: { kind: 'linked' as const }, mitigation: 'none' as const, expected: ['loaded' as const] };
    }),
  );

describe('shards', () => {
  it('parses i/n and rejects anything else with the expected form', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    for (const bad of ['0/4', '5/4', '1-4', '2', 'a/b']) expect(() => parseShard(bad)).toThrow(ShardError);
  });

  it('covers every cell exactly once, whatever the shard count', () => {
    const all = cells({ a: 7, b: 3, c: 5, d: 1 });
    for (const n of [1, 2, 3, 4, 7, 20]) {
      const ids = splitIntoShards(all, n).flat().map((c) => c.id).sort();
      expect(ids).toEqual(all.map((c) => c.id).sort());
    }
  });

  it('keeps the cells of an environment together when there are enough environments', () => {
    const shards = splitIntoShards(cells({ a: 5, b: 5, c: 4, d: 2 }), 2);
    for (const shard of shards) {
      for (const environment of new Set(shard.map((c) => c.environment))) {
        expect(shards.filter((s) => s.some((c) => c.environment === environment))).toHaveLength(1);
      }
    }
    // 5+5+4+2: the best whole-environment split is 9 + 7.
    expect(shards.map((s) => s.length).sort()).toEqual([7, 9]);
  });

  it('splits an environment only when there are fewer environments than shards', () => {
    const shards = splitIntoShards(cells({ a: 10 }), 3);
    expect(shards.every((s) => s.length > 0)).toBe(true);
  });

  it('deals whole toolchains out first: as many shards as toolchains build each toolchain once', () => {
    const spec: Record<string, number> = {};
    for (const distro of ['bullseye', 'bookworm', 'trixie', 'forky']) for (const numpy of ['system', 'oldest', 'latest']) spec[`${distro}/py-system/np-${numpy}`] = 14;
    const shards = splitIntoShards(cells(spec), 4);
    const toolchains = shards.map((shard) => [...new Set(shard.map(toolchainKey))]);
    expect(toolchains.every((t) => t.length === 1)).toBe(true);
    expect(new Set(toolchains.flat()).size).toBe(4);
    // More shards than toolchains: split by environment, never leaving a shard empty.
    expect(splitIntoShards(cells(spec), 8).every((shard) => shard.length > 0)).toBe(true);
  });

  it('reads GitLab parallel jobs for --shard auto, and says what is missing otherwise', () => {
    expect(parseShard('auto', { CI_NODE_INDEX: '2', CI_NODE_TOTAL: '3' })).toEqual({ index: 2, count: 3 });
    expect(() => parseShard('auto', {})).toThrow(/CI_NODE_INDEX and CI_NODE_TOTAL/);
  });

  it('is deterministic regardless of input order', () => {
    const all = cells({ a: 4, b: 3, c: 2 });
    const ids = (list: PlannedCell[]) => splitIntoShards(list, 2).map((s) => s.map((c) => c.id).sort());
    expect(ids([...all].reverse())).toEqual(ids(all));
  });
});
