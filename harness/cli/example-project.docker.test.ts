// The user-style example (examples/embed-numpy) for real: a workspace whose library exports its
// own entry, a host program that dlopen()s it with libloading's defaults, one linked against it
// (needing -L target/debug), and the promote fix behind a cargo feature, on PyO3 0.22, which does
// not support forky's Python 3.14. What dlmatrix says must match what the programs really do.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { HARNESS_ROOT } from '../docker/build-context.ts';
import type { CellResult, RunResults } from '../results/run-results.ts';
import { containersOf, readResults, runCli, type CliRun } from '../test-support/run-cli.ts';

describe('examples/embed-numpy (real Docker)', () => {
  const out = mkdtempSync(join(tmpdir(), 'dlmatrix-example-'));
  let run: CliRun;
  let results: RunResults;
  const cell = (distro: string, numpy: string, loader: string, mitigation: string): CellResult => {
    const found = results.cells.find((c) => c.axes.distro === distro && c.axes.numpy === numpy && c.axes.loader === loader && c.axes.mitigation === mitigation);
    if (!found) throw new Error(`no cell ${distro}/${numpy}/${loader}/${mitigation}`);
    return found;
  };

  beforeAll(async () => {
    run = await runCli(['run', '--config', join(HARNESS_ROOT, 'examples', 'embed-numpy', 'matrix.yaml'), '--out', out]);
    results = readResults(out);
  });

  it('meets every expectation of its matrix file', () => {
    expect(run.code, run.stderr).toBe(0);
    expect(results.summary.failed).toBe(0);
    expect(containersOf(run.pid)).toEqual([]);
  });

  it("finds PyObject_SelfIter although the host program itself only prints NumPy's misleading advice and exits 0", () => {
    const host = cell('bookworm', '2.2.6', 'host', 'none');
    expect(host).toMatchObject({ outcome: 'undefined-symbol', symbol: 'PyObject_SelfIter', exitCode: 0, verdict: 'pass' });
    expect(host.axes.flags).toBe('own');
    expect(host.output.stdout).toMatch(/^error: .*you should not try to import numpy from/);
    expect(`${host.output.stdout}${host.output.stderr}`).not.toContain('PyObject_SelfIter');
    expect(host.modules).toEqual([expect.objectContaining({ name: 'numpy', ok: false, symbol: 'PyObject_SelfIter' })]);
    // Debian's own NumPy fails on another symbol.
    expect(cell('bookworm', 'system', 'host', 'none')).toMatchObject({ outcome: 'undefined-symbol', symbol: 'PyExc_RecursionError' });
  });

  it('shows which fix works: preload and promote load NumPy where the plain host fails, and the linked host always works', () => {
    for (const numpy of ['system', '2.2.6']) {
      for (const loader of ['host', 'c']) {
        expect(cell('bookworm', numpy, loader, 'none').outcome).toBe('undefined-symbol');
        for (const fix of ['preload', 'promote']) {
          const fixed = cell('bookworm', numpy, loader, fix);
          expect(fixed.outcome, fixed.id).toBe('loaded');
          expect(fixed.resolved.numpy).toMatch(/^\d+\.\d+/);
        }
      }
      for (const mitigation of ['none', 'preload', 'promote']) expect(cell('bookworm', numpy, 'linked-host', mitigation).outcome).toBe('loaded');
    }
    expect(cell('bookworm', '2.2.6', 'host', 'preload').command).toEqual(expect.arrayContaining([expect.stringMatching(/^LD_PRELOAD=.*libpython3\.11\.so/)]));
    expect(cell('bookworm', '2.2.6', 'host', 'promote').command!.join(' ')).toContain('/variants/promote/');
  });

  it("reports a PyO3 release that does not support the distro's Python as a build error quoting PyO3", () => {
    const forky = results.cells.filter((c) => c.axes.distro === 'forky');
    expect(forky.length).toBeGreaterThan(0);
    for (const c of forky) expect(c.outcome === 'build-error' || c.outcome === 'skipped', c.id).toBe(true);
    const built = forky.filter((c) => c.outcome === 'build-error');
    expect(built.length).toBeGreaterThan(0);
    // PyO3's own words head the environment's error, and each cell points to it with them.
    const environment = results.environments.find((e) => e.distro === 'forky' && e.buildError)!;
    expect(environment.buildError).toMatch(/^error: the configured Python interpreter version \(3\.1\d\) is newer than PyO3's maximum supported version \(3\.13\)/);
    for (const c of built) expect(c.reason).toMatch(/did not build: error: the configured Python interpreter version \(3\.1\d\) is newer than PyO3's maximum supported version \(3\.13\)/);
  });
});
