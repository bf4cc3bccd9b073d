import { describe, expect, it } from 'vitest';
import { makeCell, makeResults } from '../test-support/make-results.ts';
import { ShardMismatchError, shardCoverage } from './shard-coverage.ts';

const part = (file: string, shard?: string, selection?: { only: string[]; cells: string[] }) => ({
  file,
  results: makeResults([makeCell()], { ...(shard && { shard }), ...(selection && { selection }) }),
});

describe('shardCoverage', () => {
  it('names the shards that did not arrive', () => {
    expect(shardCoverage([part('a', '1/4'), part('b', '3/4')])).toEqual({ count: 4, missing: [2, 4], selection: { only: [], cells: [] } });
    expect(shardCoverage([part('a', '2/2'), part('b', '1/2')])!.missing).toEqual([]);
  });

  it('is undefined when no input is a shard', () => {
    expect(shardCoverage([part('a'), part('b')])).toBeUndefined();
  });

  it('keeps the filters the shards ran with, and refuses shards of different runs', () => {
    const only = { only: ['distro=trixie'], cells: [] };
    expect(shardCoverage([part('a', '1/2', only), part('b', '2/2', only)])!.selection).toEqual(only);
    expect(() => shardCoverage([part('a', '1/2'), part('b', '2/3')])).toThrow(new ShardMismatchError('a and b are not shards of one run (shard 1/2 and shard 2/3); merge the shards of one run together'));
    expect(() => shardCoverage([part('a', '1/2', only), part('b', '2/2')])).toThrow(/different --only\/--cell filters/);
  });
});
