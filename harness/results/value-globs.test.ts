import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { joinWords, summarizeValues } from './value-globs.ts';

const FLAGS = ['RTLD_LOCAL|RTLD_NOW', 'RTLD_GLOBAL|RTLD_NOW', 'RTLD_LOCAL|RTLD_LAZY', 'RTLD_GLOBAL|RTLD_LAZY', 'linked'];

describe('summarizeValues', () => {
  it('stands a prefix glob for values sharing a word, only when no other value matches it', () => {
    expect(summarizeValues(['RTLD_LOCAL|RTLD_NOW', 'RTLD_LOCAL|RTLD_LAZY'], FLAGS)).toEqual(['RTLD_LOCAL*']);
    expect(summarizeValues(['RTLD_GLOBAL|RTLD_NOW', 'RTLD_GLOBAL|RTLD_LAZY', 'linked'], FLAGS)).toEqual(['RTLD_GLOBAL*', 'linked']);
    // RTLD_LOCAL* would also cover RTLD_LOCAL|RTLD_LAZY, which is not in the group.
    expect(summarizeValues(['RTLD_LOCAL|RTLD_NOW', 'linked'], FLAGS)).toEqual(['RTLD_LOCAL|RTLD_NOW', 'linked']);
  });

  it('keeps the dot of a version prefix and never globs a single value', () => {
    const numpy = ['1.19.5', '1.24.2', '1.26.4', '2.2.4', '2.2.6', '2.4.6'];
    expect(summarizeValues(['1.26.4', '2.2.4', '2.2.6', '2.4.6'], numpy)).toEqual(['1.26.4', '2.*']);
    expect(summarizeValues(['2.2.4', '2.2.6'], numpy)).toEqual(['2.2.*']);
    expect(summarizeValues(['1.19.5', '1.24.2'], numpy)).toEqual(['1.19.5', '1.24.2']);
  });

  it('lists values that look like globs as they are', () => {
    expect(summarizeValues(['a*b', 'a*c'], ['a*b', 'a*c', 'x'])).toEqual(['a*b', 'a*c']);
  });

  it('never stands for a value outside the group (property)', () => {
    const value = fc.stringMatching(/^[ab][ab|._]{0,5}$/);
    fc.assert(
      fc.property(fc.uniqueArray(value, { minLength: 1, maxLength: 12 }), fc.integer({ min: 1, max: 12 }), (universe, size) => {
        const group = universe.slice(0, Math.min(size, universe.length));
        const items = summarizeValues(group, universe);
        const covered = universe.filter((v) => items.some((item) => (item.endsWith('*') ? v.startsWith(item.slice(0, -1)) : v === item)));
        expect(new Set(covered)).toEqual(new Set(group));
      }),
    );
  });
});

describe('joinWords', () => {
  it('joins like prose', () => {
    expect(joinWords([])).toBe('');
    expect(joinWords(['a'])).toBe('a');
    expect(joinWords(['a', 'b'])).toBe('a and b');
    expect(joinWords(['a', 'b', 'c'], 'or')).toBe('a, b or c');
  });
});
