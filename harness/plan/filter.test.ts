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
});
