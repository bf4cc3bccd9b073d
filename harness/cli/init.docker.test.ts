// `dlmatrix init` for real, then `dlmatrix run` of the matrix it wrote, unedited: every cell's
// verdict must be true. init reads the distros from their real toolchain images and the locked
// crates with the real `cargo fetch` (crates.io); the run builds and loads everything for real.
// On the example project, and on a workspace shaped like the reproducer of PyO3 issue #4000 (a
// dlopen2 host with a path written in its code and its default flags, a host linked through its
// build script, a folder symlink and a dangling one in the project).
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { HARNESS_ROOT } from '../docker/build-context.ts';
import type { RunResults } from '../results/run-results.ts';
import { writePyo3Issue4000 } from '../test-support/pyo3-4000-workspace.ts';
import { readResults, runCli } from '../test-support/run-cli.ts';

async function initThenRun(project: string): Promise<{ matrix: Record<string, any>; results: RunResults }> {
  const started = Date.now();
  const init = await runCli(['init'], { cwd: project });
  expect(init.code, init.stderr).toBe(0);
  const initMs = Date.now() - started;
  const out = mkdtempSync(join(tmpdir(), 'dlmatrix-init-run-'));
  const run = await runCli(['run', '--out', out], { cwd: project });
  console.log(`${project}: init ${(initMs / 1000).toFixed(1)} s, run ${((Date.now() - started - initMs) / 1000).toFixed(1)} s`);
  const results = readResults(out);
  const failed = results.cells.filter((cell) => cell.verdict !== 'pass').map((cell) => `${cell.id}: ${cell.outcome} (expected ${cell.expected.join(' or ')}) ${cell.reason ?? ''}`);
  expect(failed, run.stderr.slice(-3000)).toEqual([]);
  expect(run.code, run.stderr.slice(-3000)).toBe(0);
  return { matrix: parse(readFileSync(join(project, 'matrix.yaml'), 'utf8')), results };
}

describe('dlmatrix init, then run the matrix it wrote (real Docker, real cargo)', () => {
  it('on examples/embed-numpy: forky left out for PyO3 0.22, both hosts as loaders, promote; every verdict true', async () => {
    const root = mkdtempSync(join(tmpdir(), 'dlmatrix-init-example-'));
    // The example's fix crate is a path dependency two folders up: keep that layout.
    cpSync(join(HARNESS_ROOT, 'examples', 'embed-numpy'), join(root, 'examples', 'embed-numpy'), { recursive: true, filter: (src) => !src.includes('/target') });
    mkdirSync(join(root, 'crates'));
    cpSync(join(HARNESS_ROOT, 'crates', 'promote-libpython'), join(root, 'crates', 'promote-libpython'), { recursive: true, filter: (src) => !src.includes('/target') });
    const project = join(root, 'examples', 'embed-numpy');
    rmSync(join(project, 'matrix.yaml'));

    const { matrix, results } = await initThenRun(project);
    expect(matrix.matrix.distro).toEqual(['bullseye', 'bookworm', 'trixie']);
    expect(Object.keys(matrix.loaders)).toEqual(['host', 'linked-host']);
    expect(matrix.matrix.mitigation).toEqual(['none', 'preload', 'promote']);
    const host = results.cells.filter((cell) => cell.axes.loader === 'host');
    expect(host.filter((cell) => cell.axes.mitigation === 'none').map((cell) => cell.outcome)).toEqual(Array(6).fill('undefined-symbol'));
    expect(results.cells.filter((cell) => cell.axes.loader === 'linked-host').every((cell) => cell.outcome === 'loaded')).toBe(true);
  });

  it('on a PyO3#4000-shaped workspace: a debug build for the dlopen2 host, bullseye left out for edition 2024; every verdict true', async () => {
    const project = writePyo3Issue4000(mkdtempSync(join(tmpdir(), 'dlmatrix-init-4000-')));
    const { matrix, results } = await initThenRun(project);
    expect(matrix.project).toMatchObject({ build: 'cargo build -p plugin', library: 'target/debug/libplugin.so', entry: 'run' });
    expect(matrix.loaders['dl-host'].run).toEqual(['./target/debug/dl-host']);
    expect(matrix.matrix.distro).toEqual(['bookworm', 'trixie', 'forky']);
    const dlHost = results.cells.filter((cell) => cell.axes.loader === 'dl-host');
    expect(dlHost.map((cell) => cell.axes.flags)).toEqual(Array(dlHost.length).fill('own'));
    for (const cell of dlHost) expect(cell.outcome, cell.id).toBe(cell.axes.mitigation === 'none' ? 'undefined-symbol' : 'loaded');
  });
});
