import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it, vi } from 'vitest';
import { main } from './main.ts';

afterEach(() => vi.restoreAllMocks());

it('`dlmatrix --version` and `-V` print the package.json version and exit 0', async () => {
  const expected = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')).version;
  for (const flag of ['--version', '-V']) {
    let stdout = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
    expect(await main([flag])).toBe(0);
    expect(stdout).toBe(`${expected}\n`);
    vi.restoreAllMocks();
  }
});
