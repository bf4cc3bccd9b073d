// What `dlmatrix run` refuses before anything runs (no Docker needed): a selection of nothing, an
// --out folder in use by another run, a file in the way, a read-only file system. Each says what
// is wrong with the documented exit code, and the last reports are left as they were.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostname } from 'node:os';
import { fill, smallFilesystem } from '../test-support/small-filesystem.ts';
import { LOCK_FILE } from './out-dir.ts';
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

describe('dlmatrix run into an --out folder it cannot use', () => {
  it('refuses a folder another live run is using (exit 2), and touches nothing in it', async () => {
    const { config, out } = project();
    const other = spawn('sleep', ['30']);
    try {
      writeFileSync(join(out, LOCK_FILE), JSON.stringify({ host: hostname(), pid: other.pid, command: 'run', since: '2026-01-01T00:00:00.000Z' }));
      writeFileSync(join(out, 'results.jsonl'), 'the live run journal\n');
      expect(await main(['run', '--config', config, '--out', out])).toBe(2);
      expect(output.stderr).toContain(`dlmatrix run: --out ${out} is in use by dlmatrix run (pid ${other.pid} on ${hostname()}, since 2026-01-01T00:00:00.000Z): wait for it (--wait), or give another --out`);
      expect(readFileSync(join(out, 'results.jsonl'), 'utf8')).toBe('the live run journal\n');
      expect(readdirSync(out).sort()).toEqual([LOCK_FILE, 'results.json', 'results.jsonl']);
    } finally {
      other.kill();
    }
  });

  it('says an --out that is a file is not a folder (exit 2)', async () => {
    const { config, out } = project();
    const file = join(out, 'results.json');
    expect(await main(['run', '--config', config, '--out', file])).toBe(2);
    expect(output.stderr).toContain(`dlmatrix run: --out ${file} is a file, not a folder: give a folder (it is made if missing)`);
    expect(output.stderr).not.toMatch(/\n\s+at /);
  });

  it('says an --out on a read-only or full file system cannot be written (exit 4), before anything runs', async () => {
    const { config } = project();
    const readOnly = join(smallFilesystem('64k', { readOnly: true }), 'reports');
    expect(await main(['run', '--config', config, '--out', readOnly])).toBe(4);
    expect(output.stderr).toContain(`dlmatrix run: cannot make the --out folder ${readOnly}: the file system is read-only (EROFS)`);
    const fullDisk = smallFilesystem('64k');
    mkdirSync(join(fullDisk, 'reports'));
    fill(fullDisk);
    expect(await main(['run', '--config', config, '--out', join(fullDisk, 'reports')])).toBe(4);
    expect(output.stderr).toContain('no space left on the device (ENOSPC)');
  });
});

