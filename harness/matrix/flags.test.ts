import { describe, expect, it } from 'vitest';
import { DLOPEN_FLAG_NAMES, FlagSyntaxError, LINKED, parseFlags } from './flags.ts';

function flagError(spec: string): FlagSyntaxError {
  try {
    parseFlags(spec);
  } catch (error) {
    if (error instanceof FlagSyntaxError) return error;
    throw error;
  }
  throw new Error(`parseFlags(${JSON.stringify(spec)}) did not throw`);
}

describe('parseFlags', () => {
  it('parses `linked` as the link-time mode', () => {
    expect(parseFlags(LINKED)).toEqual({ kind: 'linked' });
    expect(parseFlags('  linked ')).toEqual({ kind: 'linked' });
  });

  it('parses dlopen flag sets in the order written', () => {
    expect(parseFlags('RTLD_LOCAL|RTLD_NOW')).toEqual({ kind: 'dlopen', flags: ['RTLD_LOCAL', 'RTLD_NOW'] });
    expect(parseFlags('RTLD_NOW|RTLD_GLOBAL|RTLD_DEEPBIND')).toEqual({
      kind: 'dlopen',
      flags: ['RTLD_NOW', 'RTLD_GLOBAL', 'RTLD_DEEPBIND'],
    });
  });

  it('accepts a lone binding flag (RTLD_LOCAL is the default scope)', () => {
    expect(parseFlags('RTLD_LAZY')).toEqual({ kind: 'dlopen', flags: ['RTLD_LAZY'] });
  });

  it('allows whitespace around |', () => {
    expect(parseFlags(' RTLD_GLOBAL |  RTLD_LAZY ')).toEqual({ kind: 'dlopen', flags: ['RTLD_GLOBAL', 'RTLD_LAZY'] });
  });

  it('rejects an empty spec with a hint naming the valid values', () => {
    for (const spec of ['', '   ']) {
      const error = flagError(spec);
      expect(error.message).toMatch(/empty/);
      expect(error.hint).toContain('RTLD_NOW');
      expect(error.hint).toContain('linked');
    }
  });

  it('rejects an empty name between bars', () => {
    expect(flagError('RTLD_NOW||RTLD_LOCAL').message).toMatch(/empty flag name/);
    expect(flagError('RTLD_NOW|').message).toMatch(/empty flag name/);
  });

  it('rejects unknown names, listing every valid name and `linked`', () => {
    const error = flagError('RTLD_LOCAL|RTLD_NODELETE');
    expect(error.message).toContain('RTLD_NODELETE');
    for (const name of DLOPEN_FLAG_NAMES) expect(error.hint).toContain(name);
    expect(error.hint).toContain('linked');
  });

  it.each([
    ['RTLD_NOWW', 'RTLD_NOW'],
    ['RTLD_LOCL', 'RTLD_LOCAL'],
    ['rtld_global', 'RTLD_GLOBAL'],
    ['NOW', 'RTLD_NOW'],
    ['RTLD_DEEPBND', 'RTLD_DEEPBIND'],
    ['linkd', 'linked'],
  ])('suggests the closest name for the typo %s', (typo, meant) => {
    expect(flagError(`${typo}|RTLD_LAZY`).hint).toContain(`did you mean ${meant}?`);
  });

  it('does not suggest anything for a name unlike any flag', () => {
    expect(flagError('RTLD_NOW|BANANA').hint).not.toContain('did you mean');
  });

  it('rejects RTLD_LOCAL together with RTLD_GLOBAL', () => {
    const error = flagError('RTLD_LOCAL|RTLD_GLOBAL|RTLD_NOW');
    expect(error.message).toMatch(/RTLD_LOCAL and RTLD_GLOBAL are exclusive/);
    expect(error.hint).toMatch(/keep one/);
  });

  it('rejects RTLD_NOW together with RTLD_LAZY', () => {
    expect(flagError('RTLD_NOW|RTLD_LAZY').message).toMatch(/RTLD_NOW and RTLD_LAZY are exclusive/);
  });

  it('requires one of RTLD_NOW or RTLD_LAZY, as dlopen(3) does', () => {
    const error = flagError('RTLD_GLOBAL');
    expect(error.message).toMatch(/neither RTLD_NOW nor RTLD_LAZY/);
    expect(error.hint).toMatch(/RTLD_NOW or .*RTLD_LAZY/);
  });

  it('rejects `linked` combined with anything', () => {
    const error = flagError('linked|RTLD_NOW');
    expect(error.message).toMatch(/cannot be combined/);
    expect(error.hint).toMatch(/alone/);
  });

  it('rejects a repeated name (two spellings of one cell)', () => {
    expect(flagError('RTLD_NOW|RTLD_NOW').message).toMatch(/repeated/);
  });

  it('names the whole spec in messages so the value can be found in the file', () => {
    expect(flagError('RTLD_LOCAL|RTLD_GLOBAL|RTLD_NOW').message).toContain('"RTLD_LOCAL|RTLD_GLOBAL|RTLD_NOW"');
  });

  it('is a FlagSyntaxError (an Error) with a hint field', () => {
    const error = flagError('X');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('FlagSyntaxError');
    expect(typeof error.hint).toBe('string');
  });
});
