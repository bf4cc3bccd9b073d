import { describe, expect, it } from 'vitest';
import type { ExpectRule } from '../matrix/types.ts';
import type { Outcome } from '../results/run-results.ts';
import { expectedOutcomes } from './expectations.ts';

function rule(when: Record<string, string[]>, outcomes: Outcome[], line = 1): ExpectRule {
  return { when, outcomes, at: { file: '/m.yaml', line, col: 5 } };
}

const cell = { distro: 'bookworm', python: 'system', numpy: '1.24.2', loader: 'c', flags: 'RTLD_LOCAL|RTLD_NOW' };

describe('expectedOutcomes', () => {
  it('expects `loaded` when there are no rules', () => {
    expect(expectedOutcomes([], cell)).toEqual(['loaded']);
  });

  it('expects `loaded` when no rule matches', () => {
    expect(expectedOutcomes([rule({ loader: ['node'] }, ['crash'])], cell)).toEqual(['loaded']);
  });

  it('uses the first matching rule, not the most specific one', () => {
    const rules = [rule({ flags: ['RTLD_LOCAL*'] }, ['undefined-symbol']), rule({ numpy: ['1.*'] }, ['import-error'])];
    expect(expectedOutcomes(rules, cell)).toEqual(['undefined-symbol']);
    expect(expectedOutcomes([...rules].reverse(), cell)).toEqual(['import-error']);
  });

  it('requires every `when` key to match (AND), with list alternatives (OR)', () => {
    const rules = [rule({ flags: ['RTLD_LOCAL*'], numpy: ['2.*', 'system'] }, ['undefined-symbol'])];
    expect(expectedOutcomes(rules, cell)).toEqual(['loaded']);
    expect(expectedOutcomes(rules, { ...cell, numpy: 'system' })).toEqual(['undefined-symbol']);
    expect(expectedOutcomes(rules, { ...cell, numpy: '2.2.6' })).toEqual(['undefined-symbol']);
  });

  it('a rule without `when` matches every cell', () => {
    expect(expectedOutcomes([rule({}, ['loaded', 'crash'])], cell)).toEqual(['loaded', 'crash']);
  });

  it('a rule on a key the cell lacks does not match it', () => {
    expect(expectedOutcomes([rule({ label: ['*'] }, ['crash'])], cell)).toEqual(['loaded']);
  });

  it('returns a copy: callers may not change the rules through it', () => {
    const rules = [rule({}, ['crash'])];
    expectedOutcomes(rules, cell).push('loaded');
    expect(rules[0]!.outcomes).toEqual(['crash']);
    expectedOutcomes([], cell).push('crash');
    expect(expectedOutcomes([], cell)).toEqual(['loaded']);
  });
});
