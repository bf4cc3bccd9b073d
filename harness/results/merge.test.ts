import { describe, expect, it } from 'vitest';
import { makeCell, makeResults } from '../test-support/make-results.ts';
import { assembleResults } from './assemble.ts';
import { MISSING_REASON, mergeResults as mergeRecords, type MergeOptions } from './merge.ts';
import type { RunResults } from './run-results.ts';

const mergeResults = (parts: RunResults[], options?: MergeOptions) => {
  const merged = mergeRecords(parts, options);
  return { ...merged, results: assembleResults(merged.record).results };
};

const cell = (distro: string, loader: string) => makeCell({ axes: { distro, python: 'system', numpy: 'system', loader, flags: 'linked' } });

describe('mergeResults', () => {
  const a = cell('bookworm', 'c');
  const b = cell('bookworm', 'rust');
  const c = cell('trixie', 'c');

  it('combines shards into one run in the matrix order, with one summary', () => {
    const shard1 = makeResults([c], { startedAt: '2026-01-01T00:00:05.000Z', finishedAt: '2026-01-01T00:01:00.000Z', shard: '1/2' });
    const shard2 = makeResults([b, a], { startedAt: '2026-01-01T00:00:00.000Z', finishedAt: '2026-01-01T00:00:30.000Z', shard: '2/2' });
    const { results, duplicates, missing } = mergeResults([shard1, shard2], { planned: [a, b, c], requireAll: true });
    expect(results.cells.map((x) => x.id)).toEqual([a.id, b.id, c.id]);
    expect(results.environments.map((e) => e.key)).toEqual([a.environment, c.environment]);
    expect(results.summary.total).toBe(3);
    expect(results.shard).toBeUndefined();
    expect(results.durationMs).toBe(60_000);
    expect(duplicates).toEqual([]);
    expect(missing).toEqual([]);
  });

  it('adds planned cells no input has as cells that should have run and did not, with their environment', () => {
    const d = cell('forky', 'c');
    const { results, missing } = mergeResults([makeResults([c]), makeResults([a])], { planned: [a, b, c, d], requireAll: true });
    expect(missing).toEqual([b.id, d.id]);
    expect(results.cells.map((x) => x.id)).toEqual([a.id, b.id, c.id, d.id]);
    expect(results.cells[3]).toMatchObject({ outcome: 'skipped', verdict: 'fail', reason: MISSING_REASON, expected: d.expected, attempts: 0 });
    expect(results.summary).toMatchObject({ total: 4, failed: 0, notRun: 2, passed: 2 });
    expect(results.environments.map((e) => e.key)).toEqual([a.environment, c.environment, d.environment]);
    expect(results.environments[2]!.skipReason).toBe(MISSING_REASON);
    // The findings leave them out: they say nothing about the library.
    expect(results.findings.cellsRan).toBe(2);
  });

  it('only orders by the plan when not every planned cell is expected', () => {
    const { results, missing } = mergeResults([makeResults([c, a])], { planned: [a, b, c] });
    expect(missing).toEqual([]);
    expect(results.cells.map((x) => x.id)).toEqual([a.id, c.id]);
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
