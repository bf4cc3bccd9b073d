import { describe, expect, it } from 'vitest';
import type { PlannedCell } from './plan.ts';
import { parseShard, ShardError, splitIntoShards } from './shard.ts';

const cells = (spec: Record<string, number>): PlannedCell[] =>
  Object.entries(spec).flatMap(([environment, count]) =>
    Array.from({ length: count }, (_, i) => ({ id: `${environment}/${i}`, environment, axes: {} as never, mode: { kind: 'linked' as const }, mitigation: 'none' as const, expected: ['loaded' as const] })),
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

  it('is deterministic regardless of input order', () => {
    const all = cells({ a: 4, b: 3, c: 2 });
    const ids = (list: PlannedCell[]) => splitIntoShards(list, 2).map((s) => s.map((c) => c.id).sort());
    expect(ids([...all].reverse())).toEqual(ids(all));
  });
});
