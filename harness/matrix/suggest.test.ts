import { describe, expect, it } from 'vitest';
import { closest, didYouMean, editDistance } from './suggest.ts';

describe('editDistance', () => {
  it('counts insertions, deletions and substitutions', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
  });

  it('counts a swap of neighbours as one typo', () => {
    expect(editDistance('pyhton', 'python')).toBe(1);
  });
});

describe('closest', () => {
  it('finds the key a typo was meant to be', () => {
    expect(closest('porject', ['project', 'imports', 'matrix'])).toBe('project');
    expect(closest('max_cells', ['timeout', 'max-cells'])).toBe('max-cells');
    expect(closest('MATRIX', ['project', 'matrix'])).toBe('matrix');
  });

  it('suggests nothing when nothing is close', () => {
    expect(closest('banana', ['project', 'matrix'])).toBeUndefined();
    expect(closest('x', [])).toBeUndefined();
  });
});

describe('didYouMean', () => {
  it('is a hint prefix, or empty', () => {
    expect(didYouMean('outcom', ['outcome', 'when'])).toBe('did you mean `outcome`? ');
    expect(didYouMean('zzz', ['outcome'])).toBe('');
  });
});
