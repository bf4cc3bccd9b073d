// The `python-build` axis. `python` values mean, for the distro's own Python: system (python3),
// X.Y (its package of that minor version), X.Y.Z (that package when it is exactly that release;
// else the environment cannot exist and is skipped); for a CPython built from source (shared,
// static, standalone): the distro's version, the newest X.Y.Z offered, or that release. NumPy
// from the distro (`numpy: system`) is built for the distro's python3 only, so it cannot go with
// a source build.
// Whether a release exists is known only from its sources (harness/cpython/), checked before
// anything is built (cli/cpython-versions.ts).
import type { Expansion } from './expand.ts';
import { closest } from './suggest.ts';
import { PYTHON_BUILD_AXIS, PYTHON_BUILDS, type MatrixDiagnostic, type SourcePos } from './types.ts';

/** `python` axis values: system, X.Y, or (for a source build) X.Y.Z. */
export const PYTHON_RELEASE = /^3\.\d+\.\d+$/;

export function checkPythonBuildValue(value: string): { ok: true; value: string } | { ok: false; message: string; hint: string } {
  if ((PYTHON_BUILDS as readonly string[]).includes(value)) return { ok: true, value };
  const guess = closest(value.trim(), PYTHON_BUILDS);
  return {
    ok: false,
    message: `invalid python-build "${value}"`,
    hint:
      `${guess === undefined ? '' : `did you mean \`${guess}\`? `}valid: distro (the distro's own packages), shared (CPython built from ` +
      'source with --enable-shared, as the official python images), static (the default configure: only libpython3.X.a, as pyenv), ' +
      'standalone (a relocatable install off the loader path, as uv installs python-build-standalone)',
  };
}

/** Combinations whose Python cannot be what they ask for, pointed at the value that makes them so. */
export function pythonBuildProblems(
  expansion: Pick<Expansion, 'combinations' | 'origins'>,
  positions: Readonly<Record<string, Readonly<Record<string, SourcePos>>>>,
  fallback: SourcePos,
): MatrixDiagnostic[] {
  const problems = new Map<string, MatrixDiagnostic>();
  expansion.combinations.forEach((combination, index) => {
    const build = combination[PYTHON_BUILD_AXIS] ?? 'distro';
    const at = (axis: string) => expansion.origins[index]?.at ?? positions[axis]?.[combination[axis]!] ?? fallback;
    if (build !== 'distro' && combination.numpy === 'system') {
      const key = `numpy:${build}`;
      problems.has(key) ||
        problems.set(key, {
          severity: 'error',
          at: at('numpy'),
          message: `numpy: system (the distro's python3-numpy) cannot go with python-build: ${build}: it is built for the distro's own Python only`,
          hint: 'use latest, oldest or a release for source builds (wheels from PyPI), e.g. exclude {python-build: ' + build + ', numpy: system}',
        });
    }
  });
  return [...problems.values()];
}
