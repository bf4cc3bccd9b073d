// Before anything is built: every NumPy pin of the matrix must exist on the package index. A typo
// such as "2.2.66" is an error at its position, naming the nearest releases; it must never turn
// into skipped cells and a green run. When the index cannot be reached, the pins are left to the
// builds (pip then fails: a build error, retried by the next run) and the user is told so.
import type { MatrixConfig, MatrixDiagnostic } from '../matrix/types.ts';
import { NUMPY_LATEST, NUMPY_OLDEST, SYSTEM } from '../matrix/axis-values.ts';
import { NumpyReleases } from '../pypi/numpy-releases.ts';

export function numpyPinProblems(config: MatrixConfig, releases: NumpyReleases): MatrixDiagnostic[] {
  const positions = config.valuePositions.numpy ?? {};
  return Object.entries(positions)
    .filter(([value]) => ![SYSTEM, NUMPY_LATEST, NUMPY_OLDEST].includes(value) && !releases.has(value))
    .map(([value, at]) => {
      const nearest = releases.nearest(value);
      return {
        severity: 'error' as const,
        at,
        message: `NumPy ${value} does not exist on PyPI`,
        hint: `${nearest.length ? `nearest releases: ${nearest.join(', ')}; ` : ''}or use \`latest\` / \`oldest\` (the newest / oldest release with a wheel for each Python)`,
      };
    });
}

/** True when the matrix pins NumPy releases that the index must confirm. */
export function hasNumpyPins(config: MatrixConfig): boolean {
  return Object.keys(config.valuePositions.numpy ?? {}).some((value) => ![SYSTEM, NUMPY_LATEST, NUMPY_OLDEST].includes(value));
}
