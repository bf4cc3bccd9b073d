import { describe, expect, it } from 'vitest';
import { cellStatus, judge } from './verdicts.ts';

describe('judge', () => {
  it('passes an expected outcome and fails an unexpected one', () => {
    expect(judge('undefined-symbol', ['undefined-symbol'])).toBe('pass');
    expect(judge('loaded', ['undefined-symbol'])).toBe('fail');
  });
  it('passes a cell that crashed after its outcome only when the expectation names crash too', () => {
    expect(judge('undefined-symbol', ['undefined-symbol'], 'SIGSEGV')).toBe('fail');
    expect(judge('undefined-symbol', ['undefined-symbol', 'crash'], 'SIGSEGV')).toBe('pass');
    expect(judge('crash', ['crash'], 'SIGSEGV')).toBe('pass');
    expect(judge('timeout', ['timeout'], 'SIGKILL')).toBe('pass');
  });
  it('skips a skipped cell unless skipping was expected', () => {
    expect(judge('skipped', ['loaded'])).toBe('skip');
    expect(judge('skipped', ['skipped'])).toBe('pass');
  });
});

describe('cellStatus', () => {
  it('tells cells that ran from cells that did not, and those from cells that should have', () => {
    expect(cellStatus({ outcome: 'loaded', verdict: 'pass' })).toBe('passed');
    expect(cellStatus({ outcome: 'crash', verdict: 'fail' })).toBe('failed');
    expect(cellStatus({ outcome: 'build-error', verdict: 'fail' })).toBe('failed');
    expect(cellStatus({ outcome: 'loaded', verdict: 'flaky' })).toBe('flaky');
    expect(cellStatus({ outcome: 'skipped', verdict: 'skip' })).toBe('skipped');
    for (const outcome of ['skipped', 'build-error', 'engine-error', 'harness-error'] as const) expect(cellStatus({ outcome, verdict: 'pass' })).toBe('expected-not-run');
    expect(cellStatus({ outcome: 'skipped', verdict: 'fail' })).toBe('not-run');
  });
});
