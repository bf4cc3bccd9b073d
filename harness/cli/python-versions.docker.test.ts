// `python: "3.13"` for real: the distro's python3.13 package where it has one (the probe crate is
// built against it and NumPy comes as a wheel), a skipped cell with the reason where it has not.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HARNESS_ROOT } from '../docker/build-context.ts';
import { readResults, runCli } from '../test-support/run-cli.ts';

describe('a Python version other than the distro default (real Docker)', () => {
  it('runs where the distro packages it and skips, with the reason, where it does not', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dlmatrix-python-'));
    writeFileSync(
      join(dir, 'matrix.yaml'),
      `project: ${join(HARNESS_ROOT, 'crates', 'probe')}
matrix:
  distro: [bookworm, forky]
  python: ["3.13"]
  numpy: [system, "2.2.6"]
  loader: [c]
  flags: ["RTLD_LOCAL|RTLD_NOW", "RTLD_GLOBAL|RTLD_NOW", linked]
  include:
    # bookworm's default python3 is 3.11: asking for "3.11" is the same interpreter, so Debian's
    # python3-numpy applies (it must not be skipped for naming the interpreter another way).
    - {distro: bookworm, python: "3.11", numpy: system, loader: c, flags: "RTLD_GLOBAL|RTLD_NOW"}
expect:
  - when: {flags: "RTLD_LOCAL*"}
    outcome: undefined-symbol
  - outcome: loaded
`,
    );
    const run = await runCli(['run', '--config', join(dir, 'matrix.yaml'), '--out', dir]);
    expect(run.code, run.stderr).toBe(0);
    const results = readResults(dir);
    const cells = (distro: string, numpy: string) => results.cells.filter((c) => c.axes.distro === distro && c.axes.numpy === numpy);

    const explicit = results.cells.find((c) => c.axes.distro === 'bookworm' && c.axes.python === '3.11');
    expect(explicit).toMatchObject({ outcome: 'loaded', resolved: { python: expect.stringMatching(/^3\.11\./), numpy: expect.stringMatching(/^1\.24\./) } });
    // bookworm ships only Python 3.11.
    for (const cell of [...cells('bookworm', 'system'), ...cells('bookworm', '2.2.6')].filter((c) => c.axes.python === '3.13')) {
      expect(cell).toMatchObject({ outcome: 'skipped', reason: 'this distro has no Python 3.13 package (python3.13)' });
    }
    // forky's python3-numpy is built for its default Python only.
    for (const cell of cells('forky', 'system')) {
      expect(cell.outcome).toBe('skipped');
      expect(cell.reason).toMatch(/python3-numpy is built for the distro's default python3 \(3\.\d+\), not Python 3\.13\.\d+|no Python 3\.13 package/);
    }
    // Where forky has python3.13, the probe really embeds it.
    for (const cell of cells('forky', '2.2.6').filter((c) => c.outcome !== 'skipped')) {
      expect(cell.resolved).toMatchObject({ python: expect.stringMatching(/^3\.13\./), numpy: '2.2.6' });
      expect(cell.outcome).toBe(cell.axes.flags.startsWith('RTLD_LOCAL') ? 'undefined-symbol' : 'loaded');
    }
  });
});
