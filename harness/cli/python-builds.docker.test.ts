// The python-build axis for real: CPython 3.13.5 built from its verified release tarball as the
// official images lay it out (shared), as pyenv does by default (static), as uv installs
// python-build-standalone (standalone), next to trixie's own Python, with dlmatrix's probe.
// The verdicts are what these layouts really do (README, "Python builds"); a second run builds
// nothing.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HARNESS_ROOT } from '../docker/build-context.ts';
import type { CellResult } from '../results/run-results.ts';
import { readResults, runCli } from '../test-support/run-cli.ts';

const MATRIX = `project:
  path: ${join(HARNESS_ROOT, 'crates', 'probe')}
  promote-feature: promote
matrix:
  distro: [trixie]
  python: ["3.13.5"]
  python-build: [shared, static, standalone]
  numpy: [latest]
  loader: [c]
  flags: ["RTLD_LOCAL|RTLD_NOW", "RTLD_GLOBAL|RTLD_NOW", linked]
  mitigation: [none, preload, promote, library-path]
  include:
    - {distro: trixie, python: system, python-build: distro, numpy: latest, loader: c, flags: "RTLD_LOCAL|RTLD_NOW", mitigation: none}
expect:
  - when: {python-build: static}
    outcome: [build-error]
  - when: {python-build: standalone, mitigation: [none, promote]}
    outcome: missing-library
  - when: {python-build: standalone, mitigation: preload}
    outcome: loaded
  - when: {flags: "RTLD_LOCAL*", mitigation: [none, library-path]}
    outcome: undefined-symbol
  - outcome: loaded
`;

describe('python-build layouts (real Docker, CPython built from source)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dlmatrix-python-builds-'));
  writeFileSync(join(dir, 'matrix.yaml'), MATRIX);
  const byLayout = (cells: CellResult[], layout: string) => cells.filter((c) => c.axes['python-build'] === layout);

  it('gives each layout the outcome it really has, for the root cause each one has', async () => {
    const out = join(dir, 'first');
    const result = await runCli(['run', '--config', join(dir, 'matrix.yaml'), '--out', out]);
    expect(result.code, result.stderr.slice(-4000)).toBe(0);
    const results = readResults(out);
    const { cells, environments } = results;

    // shared (the official images): RTLD_LOCAL hides libpython, as the distro's does.
    const shared = byLayout(cells, 'shared');
    expect(shared.find((c) => c.axes.flags === 'RTLD_LOCAL|RTLD_NOW' && c.axes.mitigation === 'none')).toMatchObject({ outcome: 'undefined-symbol', symbol: 'PyObject_SelfIter' });
    expect(shared.filter((c) => c.axes.flags !== 'RTLD_LOCAL|RTLD_NOW' || ['preload', 'promote'].includes(c.axes.mitigation!)).every((c) => c.outcome === 'loaded')).toBe(true);

    // static (pyenv's default): no PyO3 cdylib can link libpython3.13.a; the error says why.
    const statics = byLayout(cells, 'static');
    expect(statics.every((c) => c.outcome === 'build-error')).toBe(true);
    expect(statics[0]!.reason).toMatch(/relocation R_X86_64_\w+ against .* can not be used when making a shared object|auto-initialize|static/i);

    // standalone (uv): the library does not even open, naming the file it cannot find...
    const standalone = byLayout(cells, 'standalone');
    const none = standalone.find((c) => c.axes.flags === 'RTLD_LOCAL|RTLD_NOW' && c.axes.mitigation === 'none')!;
    expect(none).toMatchObject({ outcome: 'missing-library', missing: 'libpython3.13.so.1.0', reason: expect.stringContaining('libpython3.13.so.1.0: cannot open shared object file') });
    // ...until libpython is preloaded by path, or put on the library path (then it is like shared).
    expect(standalone.filter((c) => c.axes.mitigation === 'preload').every((c) => c.outcome === 'loaded')).toBe(true);
    expect(standalone.find((c) => c.axes.flags === 'RTLD_LOCAL|RTLD_NOW' && c.axes.mitigation === 'library-path')).toMatchObject({ outcome: 'undefined-symbol' });

    // The distro's own beside them, and what each environment really is.
    expect(byLayout(cells, 'distro')).toEqual([expect.objectContaining({ outcome: 'undefined-symbol' })]);
    const env = (layout: string) => environments.find((e) => (e.pythonBuild ?? 'distro') === layout)!;
    expect(env('shared').resolved.python).toBe('3.13.5');
    expect(env('standalone').resolved.python).toBe('3.13.5');
    expect(results.cells.every((c) => c.verdict === 'pass')).toBe(true);
  });

  it('builds nothing the second time (a failed build, static\'s, is tried again: failures are never cached)', async () => {
    const out = join(dir, 'second');
    const result = await runCli(['run', '--config', join(dir, 'matrix.yaml'), '--out', out]);
    expect(result.code, result.stderr.slice(-4000)).toBe(0);
    const built = result.stderr.split('\n').filter((line) => line.startsWith('building '));
    expect(built.filter((line) => !/static/.test(line))).toEqual([]);
    expect(readResults(out).environments.filter((e) => !e.buildError).every((e) => (e.buildMs ?? 0) === 0)).toBe(true);
  });

  it("runs a user-style project (examples/embed-numpy: its own libloading host and a linked host) under every layout, on the same CPython images", async () => {
    const out = join(dir, 'embed-numpy');
    const result = await runCli(['run', '--config', join(HARNESS_ROOT, 'examples', 'python-builds', 'embed-numpy.yaml'), '--out', out]);
    expect(result.code, result.stderr.slice(-4000)).toBe(0);
    expect(result.stderr.split('\n').filter((line) => /^building dlmatrix\/(cpython|toolchain):/.test(line))).toEqual([]);
    const { cells } = readResults(out);
    const find = (layout: string, loader: string, mitigation: string) => cells.find((c) => c.axes['python-build'] === layout && c.axes.loader === loader && c.axes.mitigation === mitigation)!;
    for (const layout of ['distro', 'shared']) {
      expect(find(layout, 'host', 'none')).toMatchObject({ outcome: 'undefined-symbol', symbol: 'PyObject_SelfIter' });
      expect(find(layout, 'host', 'promote')).toMatchObject({ outcome: 'loaded' });
      expect(find(layout, 'linked-host', 'none')).toMatchObject({ outcome: 'loaded' });
    }
    // uv's layout: the user's libloading host cannot open the library, naming libpython...
    expect(find('standalone', 'host', 'none')).toMatchObject({ outcome: 'missing-library', missing: 'libpython3.13.so.1.0' });
    expect(find('standalone', 'host', 'preload')).toMatchObject({ outcome: 'loaded' });
    // ...and the linked host cannot even be linked: only its own cells are build errors, saying why.
    expect(find('standalone', 'linked-host', 'none')).toMatchObject({
      outcome: 'build-error',
      reason: expect.stringMatching(/^host program linked-host did not build .*\ncaused by: .*libpython3\.13\.so\.1\.0, needed by target\/debug\/libmylib\.so, not found/),
    });
    expect(find('static', 'host', 'none')).toMatchObject({ outcome: 'build-error', reason: expect.stringMatching(/auto-initialize/) });
    expect(cells.every((c) => c.verdict === 'pass')).toBe(true);
  });
});
