// `dlmatrix run --only/--cell` that selects nothing is a usage error found before anything runs:
// exit 2, the values that exist named, and the last reports left as they were.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { captureOutput } from '../test-support/capture-output.ts';
import { main } from './main.ts';

const output = captureOutput();
beforeEach(() => vi.stubEnv('CI', 'true'));
afterEach(() => vi.unstubAllEnvs());

const MATRIX = `fixture: fixture
matrix:
  distro: [bookworm, trixie]
  python: [system]
  numpy: [system]
  loader: [c]
  flags: ["RTLD_LOCAL|RTLD_NOW", "RTLD_GLOBAL|RTLD_NOW"]
`;

function project() {
  const dir = mkdtempSync(join(tmpdir(), 'dlmatrix-selection-'));
  mkdirSync(join(dir, 'fixture'));
  writeFileSync(join(dir, 'fixture', 'Cargo.toml'), '[package]\nname = "f"\n');
  writeFileSync(join(dir, 'matrix.yaml'), MATRIX);
  const out = join(dir, 'reports');
  mkdirSync(out);
  writeFileSync(join(out, 'results.json'), 'the last run');
  return { config: join(dir, 'matrix.yaml'), out };
}

describe('dlmatrix run with a selection of nothing', () => {
  it.each([
    [['--only', 'distro=buster'], /--only distro=buster matches no cell; distro has: bookworm, trixie/],
    [['--only', 'flags=RTLD_LOCAL'], /--only flags=RTLD_LOCAL matches no cell; flags has: RTLD_LOCAL\|RTLD_NOW, RTLD_GLOBAL\|RTLD_NOW; .*add \*/],
    [['--only', 'distro=trixie', '--cell', 'bookworm/py-system/np-system/c/RTLD_LOCAL|RTLD_NOW'], /no cell matches all of them/],
  ])('%j exits 2, says what exists, and overwrites nothing', async (args, message) => {
    const { config, out } = project();
    expect(await main(['run', '--config', config, '--out', out, ...args])).toBe(2);
    expect(output.stderr).toMatch(message);
    expect(output.stderr).toContain('Nothing was run and no report was written.');
    expect(readdirSync(out)).toEqual(['results.json']);
    expect(readFileSync(join(out, 'results.json'), 'utf8')).toBe('the last run');
  });
});
