// The README's first command, for real: `dlmatrix run` on the repository's default matrix.yaml.
// Every RTLD_LOCAL cell must be undefined-symbol, every RTLD_GLOBAL and linked cell loaded, and
// any other cell skipped with a reason (a combination that cannot exist).
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { HARNESS_ROOT } from '../docker/build-context.ts';
import type { RunResults } from '../results/types.ts';

const run = promisify(execFile);

describe('the default matrix.yaml (real Docker)', () => {
  it('exits 0 with the verdicts the README promises', async () => {
    const out = mkdtempSync(join(tmpdir(), 'dlmatrix-default-'));
    const result = await run('node', [join(HARNESS_ROOT, 'bin', 'dlmatrix.mjs'), 'run', '--out', out], {
      cwd: HARNESS_ROOT,
      maxBuffer: 256 * 1024 * 1024,
      env: { ...process.env, CI: 'true' },
    }).catch((err) => err as { code: number; stdout: string; stderr: string });
    expect('code' in result ? result.code : 0, 'stderr' in result ? result.stderr.slice(-4000) : '').toBe(0);

    const results: RunResults = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
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
