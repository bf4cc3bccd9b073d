import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rerunCommand, shellQuote } from './rerun.ts';

/** What a POSIX shell makes of a quoted word. */
const throughShell = (word: string) => execFileSync('sh', ['-c', `printf '%s' ${word}`], { encoding: 'utf8' });

describe('shellQuote', () => {
  it('leaves plain words alone and quotes the rest', () => {
    expect(shellQuote('reports/matrix.yaml')).toBe('reports/matrix.yaml');
    expect(shellQuote('RTLD_LOCAL|RTLD_NOW')).toBe(`'RTLD_LOCAL|RTLD_NOW'`);
    expect(shellQuote(`it's`)).toBe(`'it'\\''s'`);
    expect(shellQuote('')).toBe(`''`);
  });

  it('round-trips any argument through sh', () => {
    // NUL cannot be in an argument, and a lone surrogate has no UTF-8 form to pass to sh.
    const arg = fc.string({ unit: 'binary', maxLength: 30 }).filter((s) => !s.includes('\0'));
    fc.assert(
      fc.property(arg, (s) => {
        expect(throughShell(shellQuote(s))).toBe(s);
      }),
      { numRuns: 60 },
    );
  });
});

describe('rerunCommand', () => {
  it('quotes the cell id, whose flags contain |', () => {
    expect(rerunCommand('matrix.yaml', 'bookworm/py-system/np-2.2.6/c/RTLD_LOCAL|RTLD_NOW')).toBe(
      `npx dlmatrix run --config matrix.yaml --cell 'bookworm/py-system/np-2.2.6/c/RTLD_LOCAL|RTLD_NOW'`,
    );
    expect(rerunCommand('my matrix.yaml', `x/it's`)).toBe(`npx dlmatrix run --config 'my matrix.yaml' --cell 'x/it'\\''s'`);
  });
});
