import { describe, expect, it } from 'vitest';
import { makeCell, makeResults } from '../test-support/make-results.ts';
import { mergeResults } from './merge.ts';

const cell = (distro: string, loader: string) => makeCell({ axes: { distro, python: 'system', numpy: 'system', loader, flags: 'linked' } });

describe('mergeResults', () => {
  const a = cell('bookworm', 'c');
  const b = cell('bookworm', 'rust');
  const c = cell('trixie', 'c');

  it('combines shards into one run in the matrix order, with one summary', () => {
    const shard1 = makeResults([c], { startedAt: '2026-01-01T00:00:05.000Z', finishedAt: '2026-01-01T00:01:00.000Z', shard: '1/2' });
    const shard2 = makeResults([b, a], { startedAt: '2026-01-01T00:00:00.000Z', finishedAt: '2026-01-01T00:00:30.000Z', shard: '2/2' });
    const { results, duplicates } = mergeResults([shard1, shard2], [a.id, b.id, c.id]);
    expect(results.cells.map((x) => x.id)).toEqual([a.id, b.id, c.id]);
    expect(results.environments.map((e) => e.key)).toEqual([a.environment, c.environment]);
    expect(results.summary.total).toBe(3);
    expect(results.shard).toBeUndefined();
    expect(results.durationMs).toBe(60_000);
    expect(duplicates).toEqual([]);
  });

  it('reports cells present in two inputs and keeps the last', () => {
    const failed = { ...a, verdict: 'fail' as const, outcome: 'crash' as const };
    const { results, duplicates } = mergeResults([makeResults([a]), makeResults([failed])]);
    expect(duplicates).toEqual([a.id]);
    expect(results.cells[0].outcome).toBe('crash');
    expect(results.summary.failed).toBe(1);
  });

  it('is interrupted when any shard was', () => {
    expect(mergeResults([makeResults([a]), makeResults([c], { interrupted: true })]).results.interrupted).toBe(true);
  });
});
