import { describe, expect, it } from 'vitest';
import { filterCells, FilterError, parseOnly } from './filter.ts';
import type { PlannedCell } from './plan.ts';

const make = (distro: string, flags: string): PlannedCell => ({
  id: `${distro}/py-system/np-system/c/${flags}`,
  environment: `${distro}/py-system/np-system`,
  axes: { distro, python: 'system', numpy: 'system', loader: 'c', flags },
  mode: { kind: 'linked' },
  mitigation: 'none',
  expected: ['loaded'],
});
const all = [make('trixie', 'RTLD_LOCAL|RTLD_NOW'), make('trixie', 'RTLD_GLOBAL|RTLD_NOW'), make('bookworm', 'RTLD_LOCAL|RTLD_LAZY')];

describe('filters', () => {
  it('ANDs --only filters with glob values', () => {
    const only = parseOnly(['distro=trixie', 'flags=RTLD_LOCAL*']);
    expect(filterCells(all, { only, cellIds: [] }).map((c) => c.id)).toEqual(['trixie/py-system/np-system/c/RTLD_LOCAL|RTLD_NOW']);
  });

  it('selects single cells by id', () => {
    expect(filterCells(all, { only: [], cellIds: [all[2].id] })).toEqual([all[2]]);
  });

  it('rejects unknown axes, malformed --only and unknown cell ids with what to do', () => {
    expect(() => parseOnly(['distro'])).toThrow(/axis=value/);
    expect(() => filterCells(all, { only: parseOnly(['os=x']), cellIds: [] })).toThrow(/no axis "os"/);
    expect(() => filterCells(all, { only: [], cellIds: ['nope'] })).toThrow(FilterError);
  });

  it('refuses a selection of nothing, naming the values that exist (exit 2 upstream, nothing overwritten)', () => {
    expect(() => filterCells(all, { only: parseOnly(['distro=buster']), cellIds: [] })).toThrow(
      "--only distro=buster matches no cell; distro has: trixie, bookworm; a value is matched whole: add * for a prefix (e.g. distro='buster*')\nNothing was run and no report was written.",
    );
    expect(() => filterCells(all, { only: parseOnly(['flags=RTLD_LOCAL']), cellIds: [] })).toThrow(/--only flags=RTLD_LOCAL matches no cell; flags has: RTLD_LOCAL\|RTLD_NOW, RTLD_GLOBAL\|RTLD_NOW, RTLD_LOCAL\|RTLD_LAZY; .*flags='RTLD_LOCAL\*'/);
    expect(() => filterCells(all, { only: parseOnly(['distro=bookworm', 'flags=RTLD_GLOBAL*']), cellIds: [] })).toThrow(/each matches some cells, but no cell matches all of them/);
    expect(() => filterCells(all, { only: parseOnly(['distro=bookworm']), cellIds: [all[0].id] })).toThrow(FilterError);
  });
});
