import { describe, expect, it } from 'vitest';
import { judge } from './judge.ts';

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
