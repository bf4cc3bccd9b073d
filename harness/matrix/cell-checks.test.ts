import { describe, expect, it } from 'vitest';
import { checkCells, EXPANSION_SAFETY_LIMIT, type CellCheckInput } from './cell-checks.ts';
import type { ExpectRule, MatrixEntry, SourcePos } from './types.ts';

const matrixAt: SourcePos = { file: '/m.yaml', line: 2, col: 1 };
const at = (line: number): SourcePos => ({ file: '/m.yaml', line, col: 5 });
const entry = (values: Record<string, string>, line: number): MatrixEntry => ({ values, at: at(line) });
const rule = (when: Record<string, string[]>, line: number): ExpectRule => ({ when, outcomes: ['crash'], at: at(line) });

const FULL = { distro: ['bookworm'], python: ['system'], numpy: ['system'], loader: ['c', 'rust'], flags: ['linked'] };

function check(partial: Partial<CellCheckInput>) {
  return checkCells({ axes: FULL, exclude: [], include: [], expect: [], maxCells: 4096, matrixAt, ...partial });
}

describe('checkCells', () => {
  it('finds nothing wrong with a complete matrix', () => {
    expect(check({})).toEqual([]);
  });

  it('reports zero cells at `matrix:`, explaining when excludes removed everything', () => {
    const [d] = check({ exclude: [entry({ distro: 'bookworm' }, 9)] });
    expect(d).toMatchObject({ severity: 'error', at: matrixAt, message: 'the matrix expands to zero cells' });
    expect(d!.hint).toMatch(/every combination is excluded/);
    expect(check({ axes: {} })[0]!.hint).toMatch(/add axes/);
  });

  it('reports missing known axes once per origin', () => {
    const { flags: _omitted, ...withoutFlags } = FULL;
    const diagnostics = check({ axes: withoutFlags, include: [entry({ distro: 'sid' }, 12)] });
    expect(diagnostics.map((d) => [d.at.line, d.message])).toEqual([
      [2, 'cells of the matrix have no `flags` (every cell needs distro, python, numpy, loader, flags)'],
      [12, 'this include entry creates a cell without `python`, `numpy`, `loader`, `flags`'],
    ]);
  });

  it('enforces max-cells on the expanded count', () => {
    const diagnostics = check({ maxCells: 1 });
    expect(diagnostics.map((d) => d.message)).toEqual(['the matrix expands to 2 cells, more than max-cells (1)']);
  });

  it('refuses huge products before expanding them', () => {
    const many = Array.from({ length: 1001 }, (_, i) => `v${i}`);
    const diagnostics = check({ axes: { ...FULL, a: many, b: many } });
    expect(2 * 1001 * 1001).toBeGreaterThan(EXPANSION_SAFETY_LIMIT);
    expect(diagnostics.map((d) => d.message)).toEqual([
      'the matrix has 2004002 combinations before exclude, more than max-cells (4096)',
    ]);
  });

  it('passes on the warnings of the expansion', () => {
    const diagnostics = check({ exclude: [entry({ loader: 'node' }, 8)] });
    expect(diagnostics.map((d) => [d.severity, d.at.line])).toEqual([['warning', 8]]);
  });

  it('warns about rules after a catch-all, rules matching nothing, and shadowed rules', () => {
    const diagnostics = check({
      expect: [rule({ loader: ['node'] }, 10), rule({ loader: ['*'] }, 12), rule({ loader: ['c'] }, 14), rule({}, 16), rule({ loader: ['rust'] }, 18)],
    });
    expect(diagnostics.map((d) => [d.at.line, d.message])).toEqual([
      [10, 'this expect rule matches no cell'],
      [14, 'this expect rule is never used: every cell it matches is matched first by an earlier rule'],
      [16, 'this expect rule is never used: every cell it matches is matched first by an earlier rule'],
      [18, 'this expect rule is never used: the rule at line 16 has no `when` and matches every cell'],
    ]);
    expect(diagnostics[0]!.hint).toBe('no cell has a `loader` matching "node"; its values are "c", "rust"');
  });

  it('explains a rule whose conditions each match but never together', () => {
    const [d] = check({ axes: { ...FULL, variant: ['a', 'b'] }, exclude: [entry({ loader: 'c', variant: 'a' }, 8)], expect: [rule({ loader: ['c'], variant: ['a'] }, 10)] });
    expect(d!.hint).toMatch(/no cell matches all of them together/);
  });
});
