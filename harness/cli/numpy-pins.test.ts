// A NumPy pin that PyPI does not have is a matrix error at its position (a real index snapshot).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseMatrix } from '../matrix/load.ts';
import { NumpyReleases } from '../pypi/numpy-releases.ts';
import { hasNumpyPins, numpyPinProblems } from './numpy-pins.ts';

const releases = new NumpyReleases(JSON.parse(readFileSync(join(import.meta.dirname, '..', 'pypi', 'fixtures', 'numpy-index.json'), 'utf8')));
const project = join(import.meta.dirname, '..', '..', 'crates', 'probe');
const matrix = (numpy: string, include = '') =>
  parseMatrix(
    `project: ${project}\nmatrix:\n  distro: [bookworm]\n  python: [system]\n  numpy: ${numpy}\n  loader: [c]\n  flags: [linked]\n${include}`,
    join(project, '..', 'matrix.yaml'),
  ).config;

describe('NumPy pins', () => {
  it('reports each pin PyPI does not have, at its position, with the nearest releases', () => {
    const config = matrix('[system, "2.2.66", latest, "1.26.4"]', '  include:\n    - {distro: trixie, python: system, numpy: "1.26.44", loader: c, flags: linked}\n');
    expect(numpyPinProblems(config, releases).map((d) => [d.at.line, d.at.col, d.message, d.hint])).toEqual([
      [5, 19, 'NumPy 2.2.66 does not exist on PyPI', expect.stringContaining('nearest releases: 2.2.4, 2.2.5, 2.2.6')],
      [9, 47, 'NumPy 1.26.44 does not exist on PyPI', expect.stringContaining('nearest releases: 1.26.2, 1.26.3, 1.26.4')],
    ]);
  });

  it('asks the index only when the matrix pins a release', () => {
    expect(hasNumpyPins(matrix('[system, latest, oldest]'))).toBe(false);
    expect(hasNumpyPins(matrix('[system, "2.2.6"]'))).toBe(true);
  });
});
