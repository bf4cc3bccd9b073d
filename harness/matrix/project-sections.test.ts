// The matrix file's project keys: `project:` in both forms, `loaders:` (the user's host programs),
// the `mitigation` axis and the `own` flags of a host program that takes no {flags}.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { MatrixFileError } from './diagnostics.ts';
import { matrixCombinations, parseMatrix } from './load.ts';
import type { MatrixDiagnostic } from './types.ts';

let dir: string;
let file: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dlmatrix-project-'));
  file = path.join(dir, 'matrix.yaml');
  fs.mkdirSync(path.join(dir, 'ws'));
  fs.writeFileSync(path.join(dir, 'ws', 'Cargo.toml'), '[workspace]\nmembers = ["mylib"]\n');
});

const yaml = (...lines: string[]) => `${lines.join('\n')}\n`;
const parse = (text: string) => parseMatrix(text, file);
function errors(text: string): Array<[number, number, string, string]> {
  try {
    parse(text);
  } catch (error) {
    if (error instanceof MatrixFileError) return error.diagnostics.map((d: MatrixDiagnostic) => [d.at.line, d.at.col, d.message, d.hint ?? '']);
    throw error;
  }
  throw new Error('parseMatrix did not throw');
}

const AXES = ['matrix:', '  distro: [bookworm]', '  python: [system]', '  numpy: [system]'];

describe('project', () => {
  it('the string form is the dlmatrix probe crate built with cargo build --release', () => {
    const { config } = parse(yaml('project: ws', ...AXES, '  loader: [c]', '  flags: [linked]'));
    expect(config.project).toEqual({ dir: path.join(dir, 'ws'), build: 'cargo build --release', entry: 'dlmatrix_probe', entryKind: 'probe', entryAt: expect.objectContaining({ line: 1 }) });
  });

  it("the mapping form describes the user's own project", () => {
    const { config } = parse(
      yaml(
        'project:',
        '  path: ws',
        '  build: cargo build -p mylib',
        '  library: target/debug/libmylib.so',
        '  entry: pytest',
        '  entry-returns: int',
        '  promote-feature: fix-libpython',
        ...AXES,
        '  loader: [c]',
        '  flags: [linked]',
      ),
    );
    expect(config.project).toEqual({
      dir: path.join(dir, 'ws'),
      build: 'cargo build -p mylib',
      library: 'target/debug/libmylib.so',
      entry: 'pytest',
      // Where `entry:` is written: a wrong entry found after the build points here.
      entryAt: expect.objectContaining({ line: expect.any(Number), col: expect.any(Number) }),
      entryKind: 'int',
      promoteFeature: 'fix-libpython',
    });
  });

  it('reports every mistake in it at once, each at its position with a hint', () => {
    const found = errors(
      yaml(
        'project:',
        '  pth: ws',
        '  library: /abs/libx.so',
        '  entry: "my entry"',
        '  entry-returns: long',
        '  promote-feature: "fix libpython"',
        ...AXES,
        '  loader: [c]',
        '  flags: [linked]',
      ),
    );
    expect(found.map(([line, col, message]) => [line, col, message])).toEqual([
      [2, 3, 'unknown `project` key `pth`'],
      [2, 3, '`project` has no `path`'],
      [3, 12, '`project.library` must be a path inside the project, not "/abs/libx.so"'],
      [4, 10, '`project.entry` "my entry" is not a C symbol name'],
      [5, 18, '`project.entry-returns` must be int or void, not "long"'],
      [6, 20, '`project.promote-feature` "fix libpython" is not a Cargo feature name'],
    ]);
    expect(found[0][3]).toContain('did you mean `path`?');
  });

  it('refuses entry-returns for the dlmatrix probe', () => {
    const [[line, , message]] = errors(yaml('project: {path: ws, entry-returns: int}', ...AXES, '  loader: [c]', '  flags: [linked]'));
    expect(line).toBe(1);
    expect(message).toContain('not to the dlmatrix probe');
  });
});

describe('fixture: the old name of project', () => {
  it('is still read, with a warning at its key that says to rename it', () => {
    const { config, warnings } = parse(yaml('imports: [numpy]', 'fixture: {path: ws, entry: pytest}', ...AXES, '  loader: [c]', '  flags: [linked]'));
    expect(config.project).toMatchObject({ dir: path.join(dir, 'ws'), entry: 'pytest' });
    expect(warnings.map((w) => [w.at.line, w.at.col, w.message, w.hint])).toEqual([
      [2, 1, '`fixture` is the old name of `project`', expect.stringContaining('rename `fixture:` to `project:`')],
    ]);
  });

  it('names the key as written in the errors about its settings', () => {
    const found = errors(yaml('fixture: {path: ws, entry: "my entry"}', ...AXES, '  loader: [c]', '  flags: [linked]'));
    expect(found.map(([line, col, message]) => [line, col, message])).toEqual([[1, 28, '`fixture.entry` "my entry" is not a C symbol name']]);
  });

  it('is an error next to project, at the old key', () => {
    const found = errors(yaml('project: ws', 'fixture: ws', ...AXES, '  loader: [c]', '  flags: [linked]'));
    expect(found.map(([line, col, message]) => [line, col, message])).toEqual([[2, 1, '`fixture` and `project` are both given: `fixture` is the old name of `project`']]);
  });
});

describe('loaders', () => {
  const HOST = ['loaders:', '  myhost:', '    build: cc -o myhost host.c -ldl', '    run: [./myhost, "{library}", "{flags}"]', '    env: {LD_LIBRARY_PATH: target/release}'];

  it('adds host programs the loader axis may name', () => {
    const { config } = parse(yaml('project: ws', ...HOST, ...AXES, '  loader: [c, myhost]', '  flags: ["RTLD_LOCAL|RTLD_NOW"]'));
    expect(config.loaders.myhost).toMatchObject({
      name: 'myhost',
      build: 'cc -o myhost host.c -ldl',
      run: ['./myhost', '{library}', '{flags}'],
      env: { LD_LIBRARY_PATH: 'target/release' },
      usesFlags: true,
    });
    expect(matrixCombinations(config).map((c) => c.loader)).toEqual(['c', 'myhost']);
  });

  it('reports bad host programs with positions and hints', () => {
    const found = errors(
      yaml(
        'project: ws',
        'loaders:',
        '  c: {run: [./x]}',
        '  a:',
        '    run: ./myhost {library}',
        '  b:',
        '    run: [./b, "{libary}"]',
        '    env: {"1BAD": x}',
        '  d: {build: make}',
        ...AXES,
        '  loader: [c]',
        '  flags: [linked]',
      ),
    );
    expect(found.map(([line, col, message]) => [line, col, message])).toEqual([
      [3, 3, 'loader name `c` is taken by a built-in loader'],
      [5, 10, '`loaders.a.run` must be a non-empty list of arguments, not string ./myhost {library}'],
      [7, 16, 'unknown placeholder {libary} in `loaders.b.run`'],
      [8, 11, '`1BAD` is not an environment variable name'],
      [9, 6, 'loader `d` has no `run`'],
    ]);
    expect(found[2][3]).toContain('did you mean {library}?');
  });

  it('suggests the host program for a misspelt loader value', () => {
    const [[line, col, message, hint]] = errors(yaml('project: ws', ...HOST, ...AXES, '  loader: [myhots]', '  flags: [linked]'));
    expect([line, col, message]).toEqual([11, 12, 'invalid loader "myhots"']);
    expect(hint).toContain('did you mean `myhost`?');
  });

  it('runs a host program without {flags} once per combination of the other axes, with flags `own`', () => {
    const { config } = parse(
      yaml('project: ws', 'loaders:', '  host: {run: [target/debug/host, "{library}"]}', ...AXES, '  loader: [c, host]', '  flags: ["RTLD_LOCAL|RTLD_NOW", "RTLD_GLOBAL|RTLD_NOW"]'),
    );
    expect(matrixCombinations(config).map((c) => `${c.loader} ${c.flags}`)).toEqual(['c RTLD_LOCAL|RTLD_NOW', 'c RTLD_GLOBAL|RTLD_NOW', 'host own']);
  });

  it('needs no flags axis when only such host programs are tested', () => {
    const { config } = parse(yaml('project: ws', 'loaders:', '  host: {run: [./host]}', ...AXES, '  loader: [host]'));
    expect(matrixCombinations(config)).toEqual([{ distro: 'bookworm', python: 'system', numpy: 'system', loader: 'host', flags: 'own' }]);
  });

  it('still needs flags for the built-in loaders, and refuses `own` for a loader that takes {flags}', () => {
    expect(errors(yaml('project: ws', 'loaders:', '  host: {run: [./host]}', ...AXES, '  loader: [c, host]')).map((e) => e[2])).toEqual([
      'cells of the matrix have no `flags` (every cell needs distro, python, numpy, loader, flags)',
    ]);
    const found = errors(yaml('project: ws', 'loaders:', '  host: {run: [./host, "{flags}"]}', ...AXES, '  loader: [c, host]', '  flags: [own]'));
    expect(found.map((e) => e[2])).toEqual([
      'loader `host` gets flags `own`, but it takes {flags} in its `run`',
      'loader `c` gets flags `own`, but it is a built-in loader that needs dlopen flags or `linked`',
    ]);
  });

  it('warns about a host program no cell uses', () => {
    const { warnings } = parse(yaml('project: ws', 'loaders:', '  host: {run: [./host]}', ...AXES, '  loader: [c]', '  flags: [linked]'));
    expect(warnings.map((w) => [w.at.line, w.message])).toEqual([[3, 'loader `host` is defined but no cell uses it']]);
  });
});

describe('mitigation', () => {
  it('accepts none, preload and promote (with the project feature that turns the fix on)', () => {
    const { config } = parse(yaml('project: {path: ws, promote-feature: fix}', ...AXES, '  loader: [c]', '  flags: [linked]', '  mitigation: [none, preload, promote]'));
    expect(matrixCombinations(config).map((c) => c.mitigation)).toEqual(['none', 'preload', 'promote']);
  });

  it('rejects typos and a promote without the project feature, at the value', () => {
    const found = errors(yaml('project: ws', ...AXES, '  loader: [c]', '  flags: [linked]', '  mitigation: [preloud, promote]'));
    expect(found.map(([line, col, message]) => [line, col, message])).toEqual([
      [8, 16, 'invalid mitigation "preloud"'],
      [8, 25, "mitigation `promote` needs the cargo feature that turns on the library's own fix"],
    ]);
    expect(found[0][3]).toContain('did you mean `preload`?');
    expect(found[1][3]).toContain('promote-feature');
  });
});
