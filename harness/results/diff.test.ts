import { describe, expect, it } from 'vitest';
import { classifyChange, diffResults, formatDiffForTerminal } from './diff.ts';
import { makeCell, makeResults } from '../test-support/make-results.ts';
import type { Outcome, Verdict } from './run-results.ts';

const s = (outcome: Outcome, verdict: Verdict) => ({ outcome, verdict });

describe('classifyChange', () => {
  it.each([
    [s('loaded', 'pass'), s('undefined-symbol', 'fail'), 'regression'],
    [s('undefined-symbol', 'pass'), s('undefined-symbol', 'fail'), 'regression'], // expectation changed
    [s('skipped', 'skip'), s('crash', 'fail'), 'regression'],
    [s('loaded', 'flaky'), s('timeout', 'fail'), 'regression'],
    [s('loaded', 'pass'), s('undefined-symbol', 'pass'), 'regression'], // loaded -> anything else
    [s('loaded', 'pass'), s('skipped', 'skip'), 'regression'],
    [s('crash', 'fail'), s('loaded', 'pass'), 'fix'],
    [s('undefined-symbol', 'fail'), s('undefined-symbol', 'pass'), 'fix'],
    [s('crash', 'fail'), s('timeout', 'fail'), 'changed'],
    [s('undefined-symbol', 'pass'), s('loaded', 'pass'), 'changed'],
    [s('loaded', 'pass'), s('loaded', 'flaky'), 'changed'],
    [s('crash', 'fail'), s('loaded', 'flaky'), 'changed'],
  ] as const)('%o -> %o is %s', (before, after, kind) => {
    expect(classifyChange(before, after)).toBe(kind);
  });

  it('is undefined when nothing changed', () => {
    expect(classifyChange(s('crash', 'fail'), s('crash', 'fail'))).toBeUndefined();
  });
});

describe('diffResults', () => {
  const a = makeCell({ axes: { loader: 'c' } });
  const b = makeCell({ axes: { loader: 'rust' } });
  const c = makeCell({ axes: { loader: 'node' } });
  const d = makeCell({ axes: { distro: 'trixie' } });

  it('matches cells by id and sorts regressions first', () => {
    const baseline = makeResults([a, { ...b, outcome: 'crash', verdict: 'fail' }, c]);
    const current = makeResults([{ ...a, outcome: 'undefined-symbol', symbol: 'PyObject_SelfIter', verdict: 'fail' }, b, d]);
    const diff = diffResults(baseline, current);
    expect(diff.changes.map((change) => [change.kind, change.id])).toEqual([
      ['regression', a.id],
      ['fix', b.id],
      ['new', d.id],
      ['removed', c.id],
    ]);
    expect(diff.changes[0]).toMatchObject({ before: s('loaded', 'pass'), after: s('undefined-symbol', 'fail'), axes: a.axes });
    expect(diff.changes[2]!.before).toBeUndefined();
    expect(diff.changes[3]!.after).toBeUndefined();
    expect(diff.counts).toEqual({ regression: 1, fix: 1, changed: 0, new: 1, removed: 1 });
    expect(diff.unchanged).toBe(0);
  });

  it('orders cells of one kind by id, and counts unchanged ones', () => {
    const cells = [c, a, b];
    const broken = cells.map((cell) => ({ ...cell, outcome: 'crash' as const, verdict: 'fail' as const }));
    const diff = diffResults(makeResults([...cells, d]), makeResults([...broken, d]));
    expect(diff.changes.map((change) => change.id)).toEqual([a.id, b.id, c.id].sort());
    expect(diff.unchanged).toBe(1);
  });
});

describe('formatDiffForTerminal', () => {
  it('lists every change with before and after', () => {
    const a = makeCell();
    const diff = diffResults(makeResults([a]), makeResults([{ ...a, outcome: 'crash', signal: 'SIGSEGV', verdict: 'fail' }]));
    expect(formatDiffForTerminal(diff)).toBe(
      `Changes since baseline: 1 regression (0 unchanged)\n  REGRESSION  ${a.id}: loaded (pass) -> crash (fail)\n`,
    );
  });

  it('pluralises and colours only when asked', () => {
    const cells = [makeCell({ axes: { loader: 'c' } }), makeCell({ axes: { loader: 'rust' } })];
    const failed = cells.map((cell) => ({ ...cell, outcome: 'crash' as const, verdict: 'fail' as const }));
    const diff = diffResults(makeResults(failed), makeResults(cells));
    expect(formatDiffForTerminal(diff)).toMatch(/^Changes since baseline: 2 fixes \(0 unchanged\)\n/);
    expect(formatDiffForTerminal(diff)).not.toContain('\x1b');
    expect(formatDiffForTerminal(diff, { color: true })).toContain('\x1b[32mFIX');
  });

  it('says so when nothing changed', () => {
    const results = makeResults([makeCell()]);
    expect(formatDiffForTerminal(diffResults(results, results))).toBe('No changes since baseline (1 cells unchanged).\n');
  });
});
