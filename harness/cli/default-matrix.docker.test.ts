// The README's first command, for real: `dlmatrix run` on the repository's default matrix.yaml.
// Every RTLD_LOCAL cell without a fix must be undefined-symbol, every cell with a fix (preload,
// promote) and every RTLD_GLOBAL and linked cell loaded; `oldest` and `latest` resolve to real
// NumPy releases, so (almost) no cell is a dead, skipped one.
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
    expect(results.cells.length).toBeGreaterThan(400);
    const skipped = results.cells.filter((cell) => cell.outcome === 'skipped');
    for (const cell of skipped) expect(cell.reason, cell.id).toBeTruthy();
    expect(skipped.length / results.cells.length).toBeLessThanOrEqual(0.05);
    for (const cell of results.cells.filter((c) => c.outcome !== 'skipped')) {
      if (cell.axes.flags.startsWith('RTLD_LOCAL') && cell.axes.mitigation === 'none') {
        expect(cell.outcome, cell.id).toBe('undefined-symbol');
        expect(cell.symbol, cell.id).toMatch(/^Py/);
      } else {
        expect(cell.outcome, cell.id).toBe('loaded');
      }
      expect(cell.resolved.numpy, cell.id).toMatch(/^\d+\.\d+/);
    }
    // `oldest` and `latest` are releases, and not the same one.
    for (const distro of ['bullseye', 'bookworm', 'trixie', 'forky']) {
      const version = (numpy: string) => results.environments.find((e) => e.distro === distro && e.numpy === numpy)?.resolved.numpy;
      expect(version('oldest'), distro).toMatch(/^\d+\.\d+\.\d+$/);
      expect(version('latest'), distro).toMatch(/^\d+\.\d+\.\d+$/);
      expect(version('oldest'), distro).not.toBe(version('latest'));
    }
    // The findings say what the matrix shows: flags and mitigation decide, and each fix works.
    const texts = results.findings.statements.map((s) => s.text);
    expect(texts.some((t) => /mitigation preload turns every undefined-symbol cell into loaded/.test(t))).toBe(true);
    expect(texts.some((t) => /mitigation promote turns every undefined-symbol cell into loaded/.test(t))).toBe(true);
  });
});
