// Matrix input that must be refused at its position before anything runs: distro names no Debian
// mirror serves (issue 16 #5), control characters in names and values (issue 17 #10), and
// nesting deep enough to overflow a recursive parser (issue 17 #11).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { MatrixFileError } from './diagnostics.ts';
import { parseMatrix } from './load.ts';
import { tooDeep } from './nesting.ts';

let file: string;
beforeAll(() => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dlmatrix-unsafe-'));
  fs.mkdirSync(path.join(dir, 'crate'));
  fs.writeFileSync(path.join(dir, 'crate', 'Cargo.toml'), '[package]\nname = "c"\n');
  file = path.join(dir, 'matrix.yaml');
});

const yaml = (...lines: string[]) => `${lines.join('\n')}\n`;
const AXES = ['  python: [system]', '  numpy: [system]', '  loader: [c]', '  flags: [linked]'];

function errors(text: string): Array<{ line: number; col: number; message: string; hint: string }> {
  try {
    parseMatrix(text, file);
  } catch (error) {
    if (error instanceof MatrixFileError) return error.diagnostics.map((d) => ({ line: d.at.line, col: d.at.col, message: d.message, hint: d.hint ?? '' }));
    throw error;
  }
  throw new Error('parseMatrix did not throw');
}

describe('distro names', () => {
  it('accepts every Debian suite dlmatrix can bootstrap', () => {
    const { config } = parseMatrix(yaml('project: crate', 'matrix:', '  distro: [bullseye, bookworm, trixie, forky, sid]', ...AXES), file);
    expect(config.axes.distro).toEqual(['bullseye', 'bookworm', 'trixie', 'forky', 'sid']);
  });

  it('refuses a typo at its value with the suite meant and the supported ones', () => {
    const [error, ...rest] = errors(yaml('project: crate', 'matrix:', '  distro: [bookworm, bookwrom]', ...AXES));
    expect(rest).toEqual([]);
    expect(error).toMatchObject({ line: 3, col: 22, message: 'unknown distro "bookwrom"' });
    expect(error!.hint).toMatch(/^did you mean `bookworm`\? dlmatrix can bootstrap these Debian suites: bullseye \(Debian 11\), bookworm .*sid \(unstable\)$/);
  });

  it('says other distributions and archived suites are not supported, also in include entries', () => {
    const found = errors(yaml('project: crate', 'matrix:', '  distro: [jammy, alpine]', ...AXES, '  include:', '    - {distro: buster}'));
    expect(found.map((e) => [e.line, e.col, e.message])).toEqual([
      [3, 12, 'distro "jammy" is not a Debian suite dlmatrix can build'],
      [3, 19, 'distro "alpine" is not a Debian suite dlmatrix can build'],
      [9, 16, 'Debian buster is archived: no Debian mirror serves it any more'],
    ]);
    expect(found[0]!.hint).toContain('bullseye (Debian 11), bookworm (Debian 12), trixie (Debian 13), forky (Debian 14, testing), sid (unstable)');
  });
});

describe('control characters', () => {
  it('refuses a newline, a carriage return and ESC in axis values, at the value', () => {
    const found = errors(yaml('project: crate', 'matrix:', '  distro: [bookworm]', ...AXES, '  variant: ["a\\n::error::x", "b\\r", "c\\e[31m"]'));
    expect(found.map((e) => [e.line, e.col, e.message])).toEqual([
      [8, 13, 'a value of axis `variant` holds a newline'],
      [8, 30, 'a value of axis `variant` holds a carriage return'],
      [8, 37, 'a value of axis `variant` holds an escape character (ESC)'],
    ]);
  });

  it('refuses them in axis names, include keys and values, and when globs, without printing them raw', () => {
    const found = errors(
      yaml('project: crate', 'matrix:', '  distro: [bookworm]', ...AXES, '  "x\\ny": [a]', '  include:', '    - {"k\\r": v, distro: "bookworm\\n"}', 'expect:', '  - when: {loader: "c\\e"}', '    outcome: loaded'),
    );
    expect(found.map((e) => [e.line, e.col, e.message])).toEqual([
      [8, 3, 'the key "x\\ny" holds a newline'],
      [10, 8, 'the key "k\\r" holds a carriage return'],
      [10, 26, 'a value of axis `distro` holds a newline'],
      [12, 20, 'a `when` value of `loader` holds an escape character (ESC)'],
    ]);
    for (const e of found) expect(`${e.message}${e.hint}`).not.toMatch(/[\n\r\x1b]/);
  });
});

describe('nesting', () => {
  it('says "nesting too deep" in words for 5,000 levels, flow or block, at the point it goes too deep', () => {
    const flow = errors(yaml('project: crate', 'matrix:', `  distro: ${'['.repeat(5000)}${']'.repeat(5000)}`));
    expect(flow).toEqual([{ line: 3, col: 73, message: 'nesting too deep: lists and mappings nested more than 64 levels', hint: expect.stringContaining('about four levels') }]);
    const block = errors(yaml('project: crate', 'matrix:', ...Array.from({ length: 5000 }, (_, i) => `${' '.repeat(i + 1)}a:`), ' x'));
    expect(block.map((e) => e.message)).toEqual(['nesting too deep: lists and mappings nested more than 64 levels']);
  });

  it('measures the depth of flow and block collections alike, and leaves ordinary files alone', () => {
    expect(tooDeep('a: [[1]]', 3)).toBeUndefined();
    expect(tooDeep('a: [[[1]]]', 3)).toEqual({ depth: 4, offset: 5 });
    expect(tooDeep('a:\n  b:\n    - c: {d: 1}\n', 4)).toEqual({ depth: 5, offset: 17 });
    expect(tooDeep('a: - - - x', 3)).toEqual({ depth: 4, offset: 9 });
    // A block scalar's body is text, however it is indented: it neither nests nor resets the count.
    expect(tooDeep(`a:\n  b: |\n${Array.from({ length: 100 }, (_, i) => `${' '.repeat(i + 4)}x`).join('\n')}\n  c: [[1]]\n`, 4)).toBeUndefined();
    expect(tooDeep(`a:\n  b: |\n    x\n  c: [[[1]]]\n`, 4)).toMatchObject({ depth: 5 });
    expect(tooDeep(fs.readFileSync(path.join(import.meta.dirname, '..', '..', 'matrix.yaml'), 'utf8'))).toBeUndefined();
  });
});
