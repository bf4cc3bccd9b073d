import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeLoaderOutput } from './loader-output.ts';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, '../verdict/fixtures', `${name}.stdout`), 'utf8');

describe('decodeLoaderOutput', () => {
  it('shows a failed import as the traceback Python printed', () => {
    const text = decodeLoaderOutput(fixture('bookworm-numpy2.2.6-c-local'))!;
    expect(text).toMatch(/^import numpy: failed\nTraceback \(most recent call last\):\n {2}File "/);
    expect(text).toContain('undefined symbol: PyObject_SelfIter\n');
  });

  it('shows a successful import with its version', () => {
    expect(decodeLoaderOutput(fixture('bookworm-numpy2.2.6-node-global'))).toBe('import numpy: ok (2.2.6)\n');
  });

  it('shows a loader that could not open the library', () => {
    expect(decodeLoaderOutput(fixture('bookworm-rust-dlopen-missing'))).toMatch(
      /^dlopen failed: \/\S+\/lib\/nothere\.so: cannot open shared object file: No such file or directory\n$/,
    );
  });

  it('has nothing to decode in other output', () => {
    expect(decodeLoaderOutput('')).toBeUndefined();
    expect(decodeLoaderOutput('@@dlmatrix {"stage":"probe","rep')).toBeUndefined();
  });
});
