// A CPython release no source offers is a matrix error at the `python` value, before anything is built.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CpythonVersionError, type CpythonSources } from '../cpython/cpython-sources.ts';
import { parseMatrix } from '../matrix/load.ts';
import { buildPlan } from '../plan/plan.ts';
import { matrixCombinations } from '../matrix/expand.ts';
import { cpythonVersionProblems } from './cpython-versions.ts';

const crate = join(import.meta.dirname, '..', '..', 'crates', 'probe');
const offered = ['3.13.5', '3.11.2'];
const sources = {
  version: async (_distro: string, request: string) => {
    if (request === 'system' || offered.includes(request) || offered.some((v) => v.startsWith(`${request}.`))) return request;
    throw new CpythonVersionError(`no source offers CPython ${request}`, offered);
  },
} as unknown as CpythonSources;

describe('CPython releases of source builds', () => {
  it('names each release no source offers at its position, with what is available; the distro\'s own are not asked', async () => {
    const text = `project: ${crate}\nmatrix:\n  distro: [trixie]\n  python: [system, "3.13.55", "3.11", "3.12"]\n  python-build: [shared, distro]\n  numpy: [latest]\n  loader: [c]\n  flags: [linked]\n`;
    const { config } = parseMatrix(text, join(crate, '..', 'matrix.yaml'));
    const plan = buildPlan(config, matrixCombinations(config));
    const problems = await cpythonVersionProblems(config, plan, sources);
    expect(problems.map((p) => [p.at.line, p.at.col, p.message, p.hint])).toEqual([
      [4, 20, 'no source offers CPython 3.13.55 (for python-build shared on trixie)', "available: 3.13.5, 3.11.2; or pin another release's sha256 in options.python-sources"],
      [4, 39, 'no source offers CPython 3.12 (for python-build shared on trixie)', "available: 3.13.5, 3.11.2; or pin another release's sha256 in options.python-sources"],
    ]);
  });
});
