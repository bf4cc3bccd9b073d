import { describe, expect, it } from 'vitest';
import { makeCell } from '../test-support/make-results.ts';
import { stoppedBeforeRun } from './not-run.ts';
import { missedCount, runState, summarize } from './summary.ts';

describe('summarize', () => {
  it('counts cells by how they count; the counts add up to the total', () => {
    const summary = summarize([
      makeCell({ verdict: 'pass' }),
      makeCell({ verdict: 'fail', outcome: 'undefined-symbol' }),
      makeCell({ verdict: 'flaky' }),
      makeCell({ verdict: 'skip', outcome: 'skipped' }),
      makeCell({ verdict: 'pass', outcome: 'undefined-symbol' }),
      makeCell({ verdict: 'pass', outcome: 'build-error', expected: ['build-error'] }),
      makeCell({ verdict: 'pass', outcome: 'skipped', expected: ['skipped'] }),
      makeCell({ verdict: 'fail', outcome: 'build-error' }),
      stoppedBeforeRun(makeCell(), 'not run: the run was interrupted'),
    ]);
    expect(summary).toEqual({
      total: 9,
      passed: 2,
      failed: 2,
      flaky: 1,
      skipped: 1,
      expectedNotRun: 2,
      notRun: 1,
      byOutcome: { loaded: 2, 'undefined-symbol': 2, skipped: 3, 'build-error': 2 },
    });
    expect(missedCount(summary)).toBe(3);
  });

  it('is all zeros for no cells', () => {
    expect(summarize([])).toEqual({ total: 0, passed: 0, failed: 0, flaky: 0, skipped: 0, expectedNotRun: 0, notRun: 0, byOutcome: {} });
  });
});

describe('runState', () => {
  const state = (cells: Parameters<typeof summarize>[0], interrupted = false) => runState({ summary: summarize(cells), interrupted });

  it('is passed only when a cell ran and nothing missed', () => {
    expect(state([makeCell()])).toBe('passed');
    expect(state([makeCell(), makeCell({ verdict: 'pass', outcome: 'build-error', expected: ['build-error'] })])).toBe('passed');
  });

  it('is never passed for a run in which nothing ran, though every cell met its expectation', () => {
    expect(state([makeCell({ verdict: 'pass', outcome: 'build-error', expected: ['build-error'] }), makeCell({ verdict: 'skip', outcome: 'skipped' })])).toBe('nothing-ran');
    expect(state([])).toBe('nothing-ran');
  });

  it('is failed when a cell missed or did not run, interrupted when the run was cut short', () => {
    expect(state([makeCell(), makeCell({ verdict: 'fail', outcome: 'crash' })])).toBe('failed');
    expect(state([makeCell(), stoppedBeforeRun(makeCell(), 'not run: the run was interrupted')], true)).toBe('failed');
    expect(state([makeCell()], true)).toBe('interrupted');
  });
});
