// The python-build axis in a matrix file: its values, and the combinations that cannot be built.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MatrixFileError } from './diagnostics.ts';
import { parseMatrix } from './load.ts';

const crate = join(import.meta.dirname, '..', '..', 'crates', 'probe');
const parse = (matrix: string) => parseMatrix(`project: ${crate}\nmatrix:\n${matrix}`, join(crate, '..', 'matrix.yaml'));
const errors = (matrix: string) => {
  try {
    parse(matrix);
    return [];
  } catch (error) {
    if (!(error instanceof MatrixFileError)) throw error;
    return error.diagnostics.map((d) => `${d.at.line}:${d.at.col} ${d.message}`);
  }
};

describe('python-build', () => {
  it('makes one environment per layout, the distro\'s keeping its old ids', () => {
    const { config } = parse('  distro: [trixie]\n  python: [system, "3.13.5"]\n  python-build: [distro, standalone]\n  numpy: [latest]\n  loader: [c]\n  flags: [linked]\n  exclude:\n    - {python-build: distro, python: "3.13.5"}\n');
    expect(config.axes['python-build']).toEqual(['distro', 'standalone']);
  });

  it('refuses numpy: system with a source build, at the numpy value', () => {
    expect(errors('  distro: [trixie]\n  python: ["3.13.5"]\n  python-build: [shared]\n  numpy: [system, latest]\n  loader: [c]\n  flags: [linked]\n')).toEqual([
      "6:11 numpy: system (the distro's python3-numpy) cannot go with python-build: shared: it is built for the distro's own Python only",
    ]);
  });

  it('names the layouts for a typo', () => {
    expect(errors('  distro: [trixie]\n  python: [system]\n  python-build: [standlone]\n  numpy: [latest]\n  loader: [c]\n  flags: [linked]\n')).toEqual(['5:18 invalid python-build "standlone"']);
  });
});
