import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { globMatch, matchesAnyGlob, matchesGlob, matchesWhen } from './glob.ts';

describe('matchesGlob', () => {
  it('matches literals exactly (anchored at both ends)', () => {
    expect(matchesGlob('bookworm', 'bookworm')).toBe(true);
    expect(matchesGlob('bookworm', 'book')).toBe(false);
    expect(matchesGlob('bookworm', 'worm')).toBe(false);
    expect(matchesGlob('book', 'bookworm')).toBe(false);
  });

  it('is case-sensitive', () => {
    expect(matchesGlob('RTLD_NOW', 'rtld_now')).toBe(false);
  });

  it('`*` matches any run of characters, including none', () => {
    expect(matchesGlob('RTLD_LOCAL|RTLD_NOW', 'RTLD_LOCAL*')).toBe(true);
    expect(matchesGlob('RTLD_LOCAL', 'RTLD_LOCAL*')).toBe(true);
    expect(matchesGlob('1.26.4', '1.*')).toBe(true);
    expect(matchesGlob('2.2.6', '1.*')).toBe(false);
    expect(matchesGlob('anything', '*')).toBe(true);
    expect(matchesGlob('', '*')).toBe(true);
    expect(matchesGlob('RTLD_GLOBAL|RTLD_NOW|RTLD_DEEPBIND', '*DEEPBIND*')).toBe(true);
  });

  it('`?` matches exactly one character', () => {
    expect(matchesGlob('3.12', '3.1?')).toBe(true);
    expect(matchesGlob('3.1', '3.1?')).toBe(false);
    expect(matchesGlob('3.123', '3.1?')).toBe(false);
  });

  it('treats `|`, `.`, brackets and regex characters literally', () => {
    expect(matchesGlob('RTLD_LOCAL|RTLD_NOW', 'RTLD_LOCAL|RTLD_NOW')).toBe(true);
    // As a regex, `a|b` would match "a"; as a glob it does not.
    expect(matchesGlob('RTLD_LOCAL', 'RTLD_LOCAL|RTLD_NOW')).toBe(false);
    expect(matchesGlob('1x26', '1.26')).toBe(false);
    expect(matchesGlob('[a]', '[a]')).toBe(true);
    expect(matchesGlob('a', '[a]')).toBe(false);
    expect(matchesGlob('a+b', 'a+b')).toBe(true);
    expect(matchesGlob('aab', 'a+b')).toBe(false);
  });

  it('backtracks over several stars', () => {
    expect(matchesGlob('abcabcabd', '*abc*abd')).toBe(true);
    expect(matchesGlob('abcabcab', '*abc*abd')).toBe(false);
  });

  it('takes at most (value + 1) x (pattern + 1) steps on patterns that make backtracking regexes explode', () => {
    const value = 'a'.repeat(5000);
    const pattern = `${'*a'.repeat(30)}b`;
    const { matched, steps } = globMatch(value, pattern);
    expect(matched).toBe(false);
    expect(steps).toBeLessThanOrEqual((value.length + 1) * (pattern.length + 1));
    // A retried `*` restarts after the last one only: far fewer steps than the bound here.
    expect(steps).toBeLessThan(2 * value.length * 30);
  });

  it('a string without wildcards matches itself and only itself (property)', () => {
    const literal = fc.string().filter((s) => !s.includes('*') && !s.includes('?'));
    fc.assert(fc.property(literal, literal, (a, b) => matchesGlob(a, b) === (a === b)));
  });

  it('prefix* matches every extension of the prefix (property)', () => {
    const literal = fc.string().filter((s) => !s.includes('*') && !s.includes('?'));
    fc.assert(fc.property(literal, fc.string(), (prefix, rest) => matchesGlob(prefix + rest, `${prefix}*`)));
  });

  it('a pattern of n `?` matches exactly the strings of n characters (property)', () => {
    fc.assert(
      fc.property(fc.string(), fc.nat(10), (value, n) => matchesGlob(value, '?'.repeat(n)) === (Array.from(value).length === n)),
    );
  });
});

describe('matchesAnyGlob', () => {
  it('matches when any alternative does', () => {
    expect(matchesAnyGlob('system', ['1.*', 'system'])).toBe(true);
    expect(matchesAnyGlob('2.2.6', ['1.*', 'system'])).toBe(false);
    expect(matchesAnyGlob('x', [])).toBe(false);
  });
});

describe('matchesWhen', () => {
  const cell = { distro: 'bookworm', numpy: '1.26.4', flags: 'RTLD_LOCAL|RTLD_NOW' };

  it('requires every key to match one of its globs', () => {
    expect(matchesWhen({ flags: ['RTLD_LOCAL*'], numpy: ['1.*', 'system'] }, cell)).toBe(true);
    expect(matchesWhen({ flags: ['RTLD_LOCAL*'], numpy: ['2.*'] }, cell)).toBe(false);
  });

  it('an empty condition matches every cell', () => {
    expect(matchesWhen({}, cell)).toBe(true);
  });

  it('a key the cell lacks never matches, not even `*`', () => {
    expect(matchesWhen({ extra: ['*'] }, cell)).toBe(false);
  });
});
