// The README's first command, for real: `dlmatrix run` on the repository's default matrix.yaml.
// Every RTLD_LOCAL cell without a fix must be undefined-symbol, every cell with a fix (preload,
// promote) and every RTLD_GLOBAL and linked cell loaded; `oldest` and `latest` resolve to real
// NumPy releases, so (almost) no cell is a dead, skipped one.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { HARNESS_ROOT } from '../docker/build-context.ts';
import { LAYOUT } from '../image/layout.ts';
import type { RunResults } from '../results/run-results.ts';
import { readResults, runCli } from '../test-support/run-cli.ts';

/** `pip download` of a NumPy requirement in an environment's image, by its own pip and Python. */
function pipDownload(image: string, requirement: string): { ok: boolean; version?: string; output: string } {
  const script =
    `py=${LAYOUT.python}; d=$(mktemp -d); ` +
    `"$py" -m pip download --no-deps --only-binary=:all: --no-cache-dir --disable-pip-version-check -q -d "$d" '${requirement}' 2>&1 && ls "$d"`;
  const run = spawnSync('docker', ['run', '--rm', '--entrypoint', 'sh', image, '-c', script], { encoding: 'utf8' });
  const version = /^numpy-([^-]+)-.*\.whl$/m.exec(run.stdout)?.[1];
  return { ok: run.status === 0, version, output: `${run.stdout}${run.stderr}`.slice(-2000) };
}

describe('the default matrix.yaml (real Docker)', () => {
  // One run, done before the tests: each test below reads it and stands on its own (either can
  // be run alone, in any order).
  let run: { code: number; stderr: string; results: RunResults };
  beforeAll(async () => {
    const out = mkdtempSync(join(tmpdir(), 'dlmatrix-default-'));
    const result = await runCli(['run', '--out', out], { cwd: HARNESS_ROOT });
    run = { code: result.code, stderr: result.stderr, results: readResults(out) };
  });

  it('exits 0 with the verdicts the README promises', () => {
    expect(run.code, run.stderr.slice(-4000)).toBe(0);
    const results = run.results;
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

  it("agrees with pip itself: `latest` is what pip picks for the environment's Python, `oldest` has no older installable wheel", () => {
    const environments = run.results.environments.filter((e) => e.numpy === 'latest' || e.numpy === 'oldest');
    expect(environments.length, 'environments with latest or oldest').toBeGreaterThan(0);
    for (const environment of environments) {
      const resolved = environment.resolved.numpy!;
      if (environment.numpy === 'latest') {
        const newest = pipDownload(environment.image!, 'numpy');
        expect(newest.version, `${environment.key}: ${newest.output}`).toBe(resolved);
      } else {
        const older = pipDownload(environment.image!, `numpy<${resolved}`);
        expect(older.ok, `${environment.key}: pip found an older wheel than ${resolved}: ${older.version}`).toBe(false);
        expect(older.output, environment.key).toMatch(/No matching distribution|Could not find a version/);
      }
    }
  });
});
