// The README's first command, for real: `dlmatrix run` on the repository's default matrix.yaml.
// Every RTLD_LOCAL cell must be undefined-symbol, every RTLD_GLOBAL and linked cell loaded, and
// any other cell skipped with a reason (a combination that cannot exist).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HARNESS_ROOT } from '../docker/build-context.ts';
import { readResults, runCli } from '../test-support/run-cli.ts';

describe('the default matrix.yaml (real Docker)', () => {
  it('exits 0 with the verdicts the README promises', async () => {
    const out = mkdtempSync(join(tmpdir(), 'dlmatrix-default-'));
    const result = await runCli(['run', '--out', out], { cwd: HARNESS_ROOT });
    expect(result.code, result.stderr.slice(-4000)).toBe(0);

    const results = readResults(out);
    expect(results.cells.length).toBeGreaterThan(100);
    let ran = 0;
    for (const cell of results.cells) {
      if (cell.outcome === 'skipped') {
        expect(cell.reason, cell.id).toBeTruthy();
        continue;
      }
      ran += 1;
      if (cell.axes.flags.startsWith('RTLD_LOCAL')) {
        expect(cell.outcome, cell.id).toBe('undefined-symbol');
        expect(cell.symbol, cell.id).toMatch(/^Py/);
      } else {
        expect(cell.outcome, cell.id).toBe('loaded');
      }
    }
    // Every distro contributes cells that really ran.
    for (const distro of ['bullseye', 'bookworm', 'trixie', 'forky']) {
      expect(results.cells.some((c) => c.axes.distro === distro && c.outcome !== 'skipped'), distro).toBe(true);
    }
    expect(ran).toBeGreaterThan(80);
  });
});
