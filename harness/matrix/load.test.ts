import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MatrixFileError } from './diagnostics.ts';
import { DEFAULT_OPTIONS, loadMatrix, matrixCombinations, parseMatrix } from './load.ts';
import type { MatrixDiagnostic } from './types.ts';

let dir: string;
let file: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dlmatrix-load-'));
  file = path.join(dir, 'matrix.yaml');
  fs.mkdirSync(path.join(dir, 'crate'));
  fs.writeFileSync(path.join(dir, 'crate', 'Cargo.toml'), '[package]\nname = "fixture"\n');
  fs.mkdirSync(path.join(dir, 'not-a-crate'));
  fs.writeFileSync(path.join(dir, 'plain-file'), 'x');
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A YAML document from lines, so that line numbers in assertions are easy to count. */
function yaml(...lines: string[]): string {
  return `${lines.join('\n')}\n`;
}

/** The five known axes with one value each, at lines 2-7 (line 1 is `project:`). */
const BASE = [
  'project: crate',
  'matrix:',
  '  distro: [bookworm]',
  '  python: [system]',
  '  numpy: [system]',
  '  loader: [c]',
  '  flags: [linked]',
];

function parse(text: string) {
  return parseMatrix(text, file);
}

function diagnostics(text: string): MatrixDiagnostic[] {
  try {
    parse(text);
  } catch (error) {
    if (error instanceof MatrixFileError) return error.diagnostics;
    throw error;
  }
  throw new Error('parseMatrix did not throw');
}

/** The only error of a file, asserting there is exactly one. */
function onlyError(text: string): MatrixDiagnostic {
  const all = diagnostics(text);
  expect(all.map((d) => d.message)).toHaveLength(1);
  return all[0]!;
}

function pos(d: MatrixDiagnostic | undefined): [number, number] {
  return [d!.at.line, d!.at.col];
}

describe('parseMatrix: a valid file', () => {
  it('reads the documented example', () => {
    const { config, warnings } = parse(
      yaml(
        'project: crate        # the PyO3 crate',
        'imports: [numpy, numpy.linalg]',
        'matrix:',
        '  distro: [bullseye, bookworm, trixie, forky]',
        '  python: [system, "3.12"]',
        '  numpy: [system, "1.26.4", "2.2.6"]',
        '  loader: [c, rust, node]',
        '  flags: ["RTLD_LOCAL|RTLD_NOW", linked]',
        '  exclude:',
        '    - {loader: node, flags: linked}',
        '  include:',
        '    - {distro: bookworm, python: "3.13", numpy: "2.2.6", loader: c, flags: "RTLD_GLOBAL|RTLD_NOW"}',
        'expect:',
        '  - when: {flags: "RTLD_LOCAL*", numpy: ["1.*", system]}',
        '    outcome: undefined-symbol',
        '  - outcome: [loaded, crash]',
        'options:',
        '  timeout: 30',
        '  max-cells: 500',
        '  host-ca-certificates: false',
      ),
    );
    expect(config.file).toBe(file);
    expect(config.project.dir).toBe(path.join(dir, 'crate'));
    expect(config.imports).toEqual(['numpy', 'numpy.linalg']);
    expect(config.axes).toEqual({
      distro: ['bullseye', 'bookworm', 'trixie', 'forky'],
      python: ['system', '3.12'],
      numpy: ['system', '1.26.4', '2.2.6'],
      loader: ['c', 'rust', 'node'],
      flags: ['RTLD_LOCAL|RTLD_NOW', 'linked'],
    });
    expect(Object.keys(config.axes)).toEqual(['distro', 'python', 'numpy', 'loader', 'flags']);
    expect(config.exclude).toEqual([{ values: { loader: 'node', flags: 'linked' }, at: { file, line: 10, col: 7 } }]);
    expect(config.include).toHaveLength(1);
    expect(config.include[0]!.at).toEqual({ file, line: 12, col: 7 });
    expect(config.expect).toEqual([
      {
        when: { flags: ['RTLD_LOCAL*'], numpy: ['1.*', 'system'] },
        outcomes: ['undefined-symbol'],
        at: { file, line: 14, col: 5 },
      },
      { when: {}, outcomes: ['loaded', 'crash'], at: { file, line: 16, col: 5 } },
    ]);
    expect(config.options).toEqual({ timeoutSeconds: 30, maxCells: 500, cellThreads: 1, hostCaCertificates: false, cellMemoryBytes: 2 * 1024 ** 3, cellPids: 1024 });
    expect(warnings).toEqual([]);
    // 4 distros x 2 pythons x 3 numpys x 3 loaders x 2 flags, minus 4 x 2 x 3 node/linked, plus 1.
    expect(matrixCombinations(config)).toHaveLength(144 - 24 + 1);
  });

  it('applies the defaults: imports [numpy], no expect rules, timeout 60, max-cells 4096, CA auto', () => {
    const { config } = parse(yaml(...BASE));
    expect(config.imports).toEqual(['numpy']);
    expect(config.expect).toEqual([]);
    expect(config.options).toEqual({ timeoutSeconds: 60, maxCells: 4096, cellThreads: 1, hostCaCertificates: 'auto', cellMemoryBytes: 2 * 1024 ** 3, cellPids: 1024 });
    expect(DEFAULT_OPTIONS).toEqual(config.options);
  });

  it('resolves `project` against the matrix file folder, not the working directory', () => {
    const nested = path.join(dir, 'nested');
    fs.mkdirSync(nested, { recursive: true });
    const { config } = parseMatrix(yaml('project: ../crate', ...BASE.slice(1)), path.join(nested, 'm.yaml'));
    expect(config.project.dir).toBe(path.join(dir, 'crate'));
  });

  it('stringifies YAML numbers and booleans in axis values', () => {
    const { config } = parse(
      yaml(...BASE.slice(0, 3), '  python: [3.12, system]', '  numpy: [1.26, 2.2.6]', ...BASE.slice(5), '  debug: [true, false]', '  jobs: [4]'),
    );
    expect(config.axes.python).toEqual(['3.12', 'system']);
    expect(config.axes.numpy).toEqual(['1.26', '2.2.6']);
    expect(config.axes.debug).toEqual(['true', 'false']);
    expect(config.axes.jobs).toEqual(['4']);
  });

  it('stores flags without spaces around |, in the order written', () => {
    const { config } = parse(yaml(...BASE.slice(0, 6), '  flags: ["RTLD_NOW | RTLD_GLOBAL", linked]'));
    expect(config.axes.flags).toEqual(['RTLD_NOW|RTLD_GLOBAL', 'linked']);
  });

  it('normalizes flags in exclude so they match the axis values', () => {
    const { config } = parse(yaml(...BASE.slice(0, 6), '  flags: ["RTLD_LOCAL|RTLD_NOW", linked]', '  exclude: [{flags: "RTLD_LOCAL | RTLD_NOW"}]'));
    expect(matrixCombinations(config).map((c) => c.flags)).toEqual(['linked']);
  });

  it('matches exclude and include flags to the axis value with the same flags in another order', () => {
    const { config } = parse(
      yaml(
        ...BASE.slice(0, 6),
        '  flags: ["RTLD_LOCAL|RTLD_NOW", "RTLD_GLOBAL|RTLD_NOW"]',
        '  exclude: [{flags: "RTLD_NOW|RTLD_LOCAL"}]',
        '  include: [{flags: "RTLD_NOW | RTLD_GLOBAL", note: global}]',
      ),
    );
    expect(config.exclude[0]!.values).toEqual({ flags: 'RTLD_LOCAL|RTLD_NOW' });
    expect(matrixCombinations(config).map((c) => [c.flags, c.note])).toEqual([['RTLD_GLOBAL|RTLD_NOW', 'global']]);
  });

  it('normalizes spaces in `when` globs on flags the same way', () => {
    const { config } = parse(yaml(...BASE.slice(0, 6), '  flags: ["RTLD_LOCAL|RTLD_NOW"]', 'expect:', '  - when: {flags: "RTLD_LOCAL | *"}', '    outcome: crash'));
    expect(config.expect[0]!.when).toEqual({ flags: ['RTLD_LOCAL|*'] });
  });

  it('keeps extra axes: they label cells', () => {
    const { config } = parse(yaml(...BASE, '  variant: [a, b]'));
    expect(matrixCombinations(config)).toEqual([
      { distro: 'bookworm', python: 'system', numpy: 'system', loader: 'c', flags: 'linked', variant: 'a' },
      { distro: 'bookworm', python: 'system', numpy: 'system', loader: 'c', flags: 'linked', variant: 'b' },
    ]);
  });

  it('accepts an include-only matrix whose entries give every axis', () => {
    const { config } = parse(
      yaml(
        'project: crate',
        'matrix:',
        '  include:',
        '    - {distro: bookworm, python: system, numpy: system, loader: c, flags: linked}',
        '    - {distro: trixie, python: "3.13", numpy: "2.2.6", loader: rust, flags: "RTLD_LOCAL|RTLD_LAZY"}',
      ),
    );
    expect(matrixCombinations(config)).toHaveLength(2);
  });

  it('follows YAML anchors and aliases', () => {
    const { config } = parse(yaml('project: crate', 'matrix:', '  distro: &d [bookworm, trixie]', '  variant: *d', ...BASE.slice(3)));
    expect(config.axes.variant).toEqual(['bookworm', 'trixie']);
  });

  it('lets `when` name keys that only include entries add', () => {
    const { config, warnings } = parse(
      yaml(...BASE, '  include: [{loader: c, note: slow}]', 'expect:', '  - when: {note: slow}', '    outcome: timeout'),
    );
    expect(config.expect[0]!.when).toEqual({ note: ['slow'] });
    expect(warnings).toEqual([]);
  });

  it('accepts host-ca-certificates auto, true and false', () => {
    for (const [text, value] of [['auto', 'auto'], ['true', true], ['false', false]] as const) {
      const { config } = parse(yaml(...BASE, 'options:', `  host-ca-certificates: ${text}`));
      expect(config.options.hostCaCertificates).toBe(value);
    }
  });

  it('gives each cell one BLAS/OpenMP thread unless cell-threads says otherwise', () => {
    expect(parse(yaml(...BASE)).config.options.cellThreads).toBe(1);
    for (const [text, value] of [['4', 4], ['default', 'default']] as const) {
      expect(parse(yaml(...BASE, 'options:', `  cell-threads: ${text}`)).config.options.cellThreads).toBe(value);
    }
  });
});

describe('parseMatrix: YAML-level errors', () => {
  it('reports a syntax error at the position yaml gives', () => {
    const error = onlyError(yaml('project: crate', 'matrix:', '  distro: [bookworm', '  python: [system]'));
    expect(error.severity).toBe('error');
    expect(error.at.file).toBe(file);
    expect(error.at.line).toBeGreaterThanOrEqual(3);
    expect(error.hint).toBeTruthy();
  });

  it('reports tabs used as indentation at their line', () => {
    const error = onlyError('project: crate\nmatrix:\n\tdistro: [bookworm]\n');
    expect(error.at.line).toBe(3);
    expect(error.hint).toMatch(/spaces/);
  });

  it('reports an empty file at 1:1', () => {
    expect(pos(onlyError(''))).toEqual([1, 1]);
    expect(onlyError('# only a comment\n').message).toMatch(/empty/);
  });

  it('reports a file that is not a mapping at the node', () => {
    const error = onlyError(yaml('# comment', '- project: crate'));
    expect(pos(error)).toEqual([2, 1]);
    expect(error.message).toMatch(/must be a YAML mapping, not a list/);
  });

  it('reports a duplicate key at its second occurrence and keeps validating', () => {
    const all = diagnostics(yaml(...BASE, '  loader: [rust]', 'options: {timeout: -1}'));
    expect(all.map(pos)).toEqual([
      [8, 3],
      [9, 20],
    ]);
    expect(all[0]!.message).toMatch(/unique/);
    expect(all[0]!.hint).toMatch(/merge/);
  });

  it('reports a second YAML document', () => {
    expect(onlyError(yaml(...BASE, '---', 'x: 1')).hint).toMatch(/one YAML document/);
  });

  it('reports an alias to an unknown anchor', () => {
    const error = onlyError(yaml(...BASE, '  variant: *nope'));
    expect(pos(error)).toEqual([8, 12]);
    expect(error.message).toContain('*nope');
  });
});

describe('parseMatrix: keys and types', () => {
  it('reports unknown top-level keys with the closest valid key', () => {
    const all = diagnostics(yaml('porject: crate', ...BASE.slice(1)));
    expect(all.map((d) => d.message)).toEqual(['unknown top-level key `porject`', 'missing required key `project`']);
    expect(pos(all[0])).toEqual([1, 1]);
    expect(all[0]!.hint).toContain('did you mean `project`?');
    expect(all[0]!.hint).toContain('valid keys: project, imports, loaders, matrix, expect, options');
  });

  it('reports a missing `matrix`', () => {
    const error = onlyError(yaml('project: crate'));
    expect(error.message).toBe('missing required key `matrix`');
    expect(pos(error)).toEqual([1, 1]);
  });

  it('reports unknown option keys with a suggestion', () => {
    const error = onlyError(yaml(...BASE, 'options:', '  max_cells: 10'));
    expect(pos(error)).toEqual([9, 3]);
    expect(error.hint).toContain('did you mean `max-cells`?');
  });

  it('reports unknown keys in expect rules with a suggestion', () => {
    const all = diagnostics(yaml(...BASE, 'expect:', '  - outcomes: loaded'));
    expect(all.map((d) => [d.message, ...pos(d)])).toEqual([
      ['unknown `expect` key `outcomes`', 9, 5],
      ['expect rule has no `outcome`', 9, 5],
    ]);
    expect(all[0]!.hint).toContain('did you mean `outcome`?');
  });

  it('reports wrong types at the value', () => {
    const all = diagnostics(
      yaml(
        'project: [crate]',
        'imports: numpy',
        ...BASE.slice(1),
        'options:',
        '  timeout: 60s',
        '  max-cells: 1.5',
        '  host-ca-certificates: maybe',
        '  cell-threads: all',
      ),
    );
    expect(all.map((d) => [...pos(d), d.message])).toEqual([
      [1, 10, '`project` must be a single value, not a list'],
      [2, 10, '`imports` must be a non-empty list of module names, not string numpy'],
      [10, 12, '`timeout` must be a positive number of seconds, not string 60s'],
      [11, 14, '`max-cells` must be a positive whole number, not number 1.5'],
      [12, 25, '`host-ca-certificates` must be auto, true or false, not string maybe'],
      [13, 17, '`cell-threads` must be a positive whole number or default, not string all'],
    ]);
    expect(all.every((d) => d.hint)).toBe(true);
  });

  it('rejects zero and negative numbers in options', () => {
    const all = diagnostics(yaml(...BASE, 'options: {timeout: 0, max-cells: -5}'));
    expect(all.map(pos)).toEqual([
      [8, 20],
      [8, 34],
    ]);
  });

  it('rejects an empty imports list and invalid or repeated module names', () => {
    expect(onlyError(yaml('project: crate', 'imports: []', ...BASE.slice(1))).message).toMatch(/non-empty list/);
    const all = diagnostics(yaml('project: crate', 'imports: [numpy, "numpy linalg", numpy]', ...BASE.slice(1)));
    expect(all.map((d) => [...pos(d), d.message])).toEqual([
      [2, 18, 'invalid module name "numpy linalg"'],
      [2, 34, 'module "numpy" is listed twice'],
    ]);
  });

  it('rejects `matrix`, `exclude`, `include`, `expect` and `when` of the wrong shape', () => {
    expect(onlyError(yaml('project: crate', 'matrix: [a]')).message).toMatch(/`matrix` must be a mapping/);
    expect(pos(onlyError(yaml(...BASE, '  exclude: {loader: c}')))).toEqual([8, 12]);
    expect(onlyError(yaml(...BASE, '  include: [c]')).message).toMatch(/each `include` entry must be a mapping/);
    expect(onlyError(yaml(...BASE, 'expect: {outcome: loaded}')).message).toMatch(/`expect` must be a list/);
    expect(onlyError(yaml(...BASE, 'expect:', '  - when: loader', '    outcome: crash')).message).toMatch(/`when` must be a mapping/);
  });

  it('rejects a scalar axis, suggesting the list form', () => {
    const error = onlyError(yaml(...BASE.slice(0, 5), '  loader: c', ...BASE.slice(6)));
    expect(pos(error)).toEqual([6, 11]);
    expect(error.hint).toContain('loader: [c]');
  });

  it('rejects nested values in an axis and spots a misspelled exclude', () => {
    const error = onlyError(yaml(...BASE, '  exlude:', '    - {loader: c}'));
    expect(pos(error)).toEqual([9, 7]);
    expect(error.hint).toContain('did you mean `exclude`?');
  });
});

describe('parseMatrix: project', () => {
  it('must exist', () => {
    const error = onlyError(yaml('project: nowhere', ...BASE.slice(1)));
    expect(pos(error)).toEqual([1, 10]);
    expect(error.message).toContain('does not exist');
    expect(error.hint).toContain(path.join(dir, 'nowhere'));
  });

  it('must contain Cargo.toml', () => {
    const error = onlyError(yaml('project: not-a-crate', ...BASE.slice(1)));
    expect(error.message).toContain('has no Cargo.toml');
  });

  it('must be a folder', () => {
    expect(onlyError(yaml('project: plain-file', ...BASE.slice(1))).message).toContain('is not a folder');
  });

  it('must not be empty', () => {
    const error = onlyError(yaml('project:', ...BASE.slice(1)));
    expect(pos(error)).toEqual([1, 1]);
    expect(error.message).toMatch(/empty/);
  });
});

describe('parseMatrix: axis values', () => {
  it('rejects an empty axis at its list', () => {
    const error = onlyError(yaml(...BASE.slice(0, 5), '  loader: []', ...BASE.slice(6)));
    expect(pos(error)).toEqual([6, 11]);
    expect(error.message).toBe('axis `loader` has no values');
  });

  it('rejects an axis without a value at its key', () => {
    const error = onlyError(yaml(...BASE.slice(0, 5), '  loader:', ...BASE.slice(6)));
    expect(pos(error)).toEqual([6, 3]);
  });

  it('rejects duplicate values at the second one, naming the first', () => {
    const error = onlyError(yaml(...BASE.slice(0, 5), '  loader: [c, rust, c]', ...BASE.slice(6)));
    expect(pos(error)).toEqual([6, 21]);
    expect(error.message).toBe('duplicate value "c" in axis `loader`');
    expect(error.hint).toContain('line 6, column 12');
  });

  it('treats the same flags in another order as a duplicate', () => {
    const error = onlyError(yaml(...BASE.slice(0, 6), '  flags: ["RTLD_NOW|RTLD_LOCAL", "RTLD_LOCAL|RTLD_NOW"]'));
    expect(pos(error)).toEqual([7, 34]);
  });

  it('treats "1.26" and the YAML number 1.26 as a duplicate', () => {
    expect(onlyError(yaml(...BASE.slice(0, 4), '  numpy: [1.26, "1.26"]', ...BASE.slice(5))).message).toMatch(/duplicate/);
  });

  it('rejects unknown flag names with the hint of parseFlags', () => {
    const error = onlyError(yaml(...BASE.slice(0, 6), '  flags: [linked, "RTLD_LOCAL|RTLD_NOWW"]'));
    expect(pos(error)).toEqual([7, 19]);
    expect(error.message).toBe('unknown flag name "RTLD_NOWW"');
    expect(error.hint).toContain('did you mean RTLD_NOW?');
  });

  it('rejects flag sets dlopen would not accept', () => {
    const all = diagnostics(yaml(...BASE.slice(0, 6), '  flags: ["RTLD_LOCAL|RTLD_GLOBAL|RTLD_NOW", RTLD_GLOBAL, "linked|RTLD_NOW"]'));
    expect(all.map(pos)).toEqual([
      [7, 11],
      [7, 46],
      [7, 59],
    ]);
  });

  it('rejects invalid python, numpy and loader values, each at its position', () => {
    const all = diagnostics(
      yaml('project: crate', 'matrix:', '  distro: [bookworm]', '  python: [system, "3"]', '  numpy: [newest]', '  loader: [c, rsut]', '  flags: [linked]'),
    );
    expect(all.map((d) => [...pos(d), d.message])).toEqual([
      [4, 20, 'invalid python value "3"'],
      [5, 11, 'invalid numpy value "newest"'],
      [6, 15, 'invalid loader "rsut"'],
    ]);
    expect(all[2]!.hint).toContain('did you mean `rust`?');
  });

  it('rejects the YAML number 3.10 for python, with a hint to quote it', () => {
    const error = onlyError(yaml(...BASE.slice(0, 3), '  python: [system, 3.10]', ...BASE.slice(4)));
    expect(pos(error)).toEqual([4, 20]);
    expect(error.message).toBe('YAML reads 3.10 as the number 3.1');
    expect(error.hint).toContain('"3.10"');
  });

  it('rejects any number YAML would silently change (1.20 -> 1.2, 0x1f -> 31)', () => {
    const all = diagnostics(yaml(...BASE.slice(0, 4), '  numpy: [1.20]', ...BASE.slice(5), '  build: [0x1f]'));
    expect(all.map((d) => d.hint)).toEqual(['quote it to keep it as written: "1.20"', 'quote it to keep it as written: "0x1f"']);
  });

  it('accepts the quoted forms', () => {
    const { config } = parse(yaml(...BASE.slice(0, 3), '  python: ["3.10"]', '  numpy: ["1.20"]', ...BASE.slice(5)));
    expect(config.axes.python).toEqual(['3.10']);
    expect(config.axes.numpy).toEqual(['1.20']);
  });

  it('rejects null values in an axis', () => {
    expect(onlyError(yaml(...BASE, '  variant: [a, ~]')).message).toMatch(/empty/);
  });
});

describe('parseMatrix: exclude and include', () => {
  it('rejects exclude keys that are not axes, with a suggestion', () => {
    const error = onlyError(yaml(...BASE, '  exclude:', '    - {lodaer: c}'));
    expect(pos(error)).toEqual([9, 8]);
    expect(error.message).toBe('exclude key `lodaer` is not an axis of the matrix');
    expect(error.hint).toContain('did you mean `loader`?');
  });

  it('checks exclude keys against axes written after it', () => {
    const { config } = parse(yaml('project: crate', 'matrix:', '  exclude: [{loader: node}]', ...BASE.slice(2, 5), '  loader: [c, node]', BASE[6]!));
    expect(matrixCombinations(config).map((c) => c.loader)).toEqual(['c']);
  });

  it('rejects an empty exclude entry (it would exclude everything)', () => {
    expect(pos(onlyError(yaml(...BASE, '  exclude: [{}]')))).toEqual([8, 13]);
  });

  it('validates known-axis values in include and exclude entries', () => {
    const all = diagnostics(yaml(...BASE, '  exclude: [{loader: rustt}]', '  include: [{distro: sid, python: 3.10}]'));
    expect(all.map((d) => [...pos(d), d.message])).toEqual([
      [8, 22, 'invalid loader "rustt"'],
      [9, 35, 'YAML reads 3.10 as the number 3.1'],
    ]);
  });

  it('rejects nested values in entries', () => {
    expect(onlyError(yaml(...BASE, '  include: [{note: [a, b]}]')).message).toMatch(/must be a single value, not a list/);
  });

  it('warns, at the entry, about an exclude that matches nothing', () => {
    const { warnings } = parse(yaml(...BASE, '  exclude:', '    - loader: rust'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.severity).toBe('warning');
    expect(pos(warnings[0])).toEqual([9, 7]);
    expect(warnings[0]!.message).toContain('matches no combination');
  });

  it('warns about an include that adds nothing', () => {
    const { warnings } = parse(yaml(...BASE, '  include:', '    - loader: c'));
    expect(warnings.map((w) => [...pos(w), w.severity])).toEqual([[9, 7, 'warning']]);
  });
});

describe('parseMatrix: expect', () => {
  const rules = (...lines: string[]) => yaml(...BASE.slice(0, 5), '  loader: [c, rust]', ...BASE.slice(6), 'expect:', ...lines);

  it('accepts one glob or a list of globs, and one outcome or a list', () => {
    const { config } = parse(rules('  - when: {loader: c, numpy: [sys*, "1.?"]}', '    outcome: [crash, timeout]', '  - outcome: loaded'));
    expect(config.expect.map((r) => [r.when, r.outcomes])).toEqual([
      [{ loader: ['c'], numpy: ['sys*', '1.?'] }, ['crash', 'timeout']],
      [{}, ['loaded']],
    ]);
  });

  it('rejects a `when` naming an axis that does not exist, with a suggestion', () => {
    const error = onlyError(rules('  - when: {flag: linked}', '    outcome: loaded'));
    expect(pos(error)).toEqual([9, 12]);
    expect(error.message).toBe('`when` names `flag`, which is not an axis of the matrix');
    expect(error.hint).toContain('did you mean `flags`?');
  });

  it('rejects unknown outcomes with a suggestion and the valid list', () => {
    const error = onlyError(rules('  - outcome: [loaded, undefined-symbols]'));
    expect(pos(error)).toEqual([9, 23]);
    expect(error.message).toBe('unknown outcome "undefined-symbols"');
    expect(error.hint).toContain('did you mean `undefined-symbol`?');
    expect(error.hint).toContain('build-error');
  });

  it('rejects empty glob and outcome lists', () => {
    const all = diagnostics(rules('  - when: {loader: []}', '    outcome: []'));
    expect(all.map(pos)).toEqual([
      [9, 20],
      [10, 14],
    ]);
  });

  it('warns about rules after a rule without `when`', () => {
    const { warnings } = parse(rules('  - outcome: loaded', '  - when: {loader: c}', '    outcome: crash'));
    expect(warnings.map((w) => [...pos(w), w.message])).toEqual([
      [10, 5, 'this expect rule is never used: the rule at line 9 has no `when` and matches every cell'],
    ]);
  });

  it('warns about a rule that matches no cell, naming the axis and its values', () => {
    const { warnings } = parse(rules('  - when: {loader: node}', '    outcome: crash'));
    expect(warnings).toHaveLength(1);
    expect(pos(warnings[0])).toEqual([9, 5]);
    expect(warnings[0]!.message).toBe('this expect rule matches no cell');
    expect(warnings[0]!.hint).toContain('"c", "rust"');
  });

  it('warns about a rule whose cells are all taken by earlier rules', () => {
    const { warnings } = parse(rules('  - when: {loader: "*"}', '    outcome: crash', '  - when: {loader: c}', '    outcome: timeout'));
    expect(warnings.map(pos)).toEqual([[11, 5]]);
    expect(warnings[0]!.message).toMatch(/matched first by an earlier rule/);
  });

  it('does not warn about rules that decide some cell', () => {
    const { warnings } = parse(rules('  - when: {loader: c}', '    outcome: crash', '  - outcome: loaded'));
    expect(warnings).toEqual([]);
  });
});

describe('parseMatrix: the expanded matrix', () => {
  it('rejects a matrix that expands to zero cells, at `matrix:`', () => {
    const error = onlyError(yaml(...BASE, '  exclude: [{loader: c}]'));
    expect(pos(error)).toEqual([2, 1]);
    expect(error.message).toBe('the matrix expands to zero cells');
    expect(error.hint).toMatch(/every combination is excluded/);
  });

  it('rejects a matrix without axes or include entries', () => {
    expect(onlyError(yaml('project: crate', 'matrix: {}')).message).toBe('the matrix expands to zero cells');
  });

  it('rejects cells missing a known axis, at the include entry that created them', () => {
    const all = diagnostics(yaml(...BASE, '  include:', '    - {variant: x}', '    - distro: forky', '      loader: rust'));
    expect(all).toHaveLength(1);
    expect(pos(all[0])).toEqual([10, 7]);
    expect(all[0]!.message).toBe('this include entry creates a cell without `python`, `numpy`, `flags`');
    expect(all[0]!.hint).toMatch(/fits no combination/);
  });

  it('rejects a matrix without a known axis, at `matrix:`, spotting the typo', () => {
    const error = onlyError(yaml('project: crate', 'matrix:', '  distro: [bookworm]', '  pyhton: [system]', ...BASE.slice(4)));
    expect(pos(error)).toEqual([2, 1]);
    expect(error.message).toContain('no `python`');
    expect(error.hint).toContain('`pyhton` looks like a misspelling of `python`');
  });

  it('accepts a missing axis that include adds to every cell', () => {
    const { config } = parse(yaml(...BASE.slice(0, 6), '  include: [{flags: linked}]'));
    expect(matrixCombinations(config)[0]!.flags).toBe('linked');
  });

  it('rejects more cells than max-cells, saying the count and how to raise the cap', () => {
    const error = onlyError(yaml(...BASE, '  variant: [a, b, c]', 'options:', '  max-cells: 2'));
    expect(pos(error)).toEqual([2, 1]);
    expect(error.message).toBe('the matrix expands to 3 cells, more than max-cells (2)');
    expect(error.hint).toContain('max-cells: 3');
    expect(error.hint).toContain('exclude');
  });

  it('counts cells after exclude and include against max-cells', () => {
    const { config } = parse(yaml(...BASE, '  variant: [a, b, c]', '  exclude: [{variant: c}]', 'options:', '  max-cells: 2'));
    expect(matrixCombinations(config)).toHaveLength(2);
  });

  it('refuses to expand a product far beyond the cap without running out of memory', () => {
    const values = `[${Array.from({ length: 40 }, (_, i) => `v${i}`).join(', ')}]`;
    const error = onlyError(yaml(...BASE, `  a: ${values}`, `  b: ${values}`, `  c: ${values}`, `  d: ${values}`));
    expect(error.message).toBe('the matrix has 2560000 combinations before exclude, more than max-cells (4096)');
  });

  it('skips expansion checks while the matrix itself has errors (no follow-up noise)', () => {
    const all = diagnostics(yaml(...BASE.slice(0, 5), '  loader: [cc]', ...BASE.slice(6), '  exclude: [{loader: c}]'));
    expect(all.map((d) => d.message)).toEqual(['invalid loader "cc"']);
  });
});

describe('parseMatrix: collecting errors', () => {
  it('reports every error in one MatrixFileError, sorted by position', () => {
    let caught: unknown;
    try {
      parse(
        yaml(
          'project: crate',
          'options: {timeout: 0}',
          'expect:',
          '  - when: {lodaer: c}',
          '    outcome: loaded',
          'matrix:',
          '  distro: [bookworm]',
          '  python: [3.10]',
          '  numpy: [system]',
          '  loader: [c, c]',
          '  flags: [RTLD_NOW, RTLD_GLOBAL]',
          '  exclude: [{os: linux}]',
        ),
      );
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(MatrixFileError);
    const all = (caught as MatrixFileError).diagnostics;
    expect(all.map(pos)).toEqual([
      [2, 20],
      [4, 12],
      [8, 12],
      [10, 15],
      [11, 21],
      [12, 14],
    ]);
    expect(all.every((d) => d.severity === 'error' && d.at.file === file && d.hint)).toBe(true);
    expect((caught as MatrixFileError).message).toContain('6 errors');
  });
});

describe('loadMatrix', () => {
  it('reads and parses a file', () => {
    fs.writeFileSync(file, yaml(...BASE));
    const { config } = loadMatrix(file);
    expect(config.file).toBe(file);
    expect(config.project.dir).toBe(path.join(dir, 'crate'));
  });

  it('resolves a relative path to an absolute config.file', () => {
    fs.writeFileSync(file, yaml(...BASE));
    const relative = path.relative(process.cwd(), file);
    expect(loadMatrix(relative).config.file).toBe(file);
  });

  it('reports a missing file as a MatrixFileError at 1:1 with a hint', () => {
    const missing = path.join(dir, 'missing.yaml');
    let caught: unknown;
    try {
      loadMatrix(missing);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(MatrixFileError);
    const [d] = (caught as MatrixFileError).diagnostics;
    expect(d).toMatchObject({ severity: 'error', at: { file: missing, line: 1, col: 1 }, message: 'matrix file not found' });
    expect(d!.hint).toContain(missing);
  });

  it('reports a folder given as the matrix file', () => {
    expect(() => loadMatrix(dir)).toThrow(/is a folder/);
  });
});
