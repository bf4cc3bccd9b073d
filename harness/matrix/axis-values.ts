// What values the five known axes accept. Checked when the matrix is loaded so that a typo
// (`pyhton`, `3.1O`, `rust `) is a positioned error instead of an image that fails to build an
// hour into a run. Unknown axes only label cells, so any value is fine for them.
import { controlCharacterIn } from './control-characters.ts';
import { checkDistro } from './distros.ts';
import { closest } from './suggest.ts';
import { FlagSyntaxError, parseFlags, type LoadMode } from './flags.ts';
import { checkPythonBuildValue, PYTHON_RELEASE } from './python-build.ts';
import { MITIGATIONS, PYTHON_BUILD_AXIS } from './types.ts';

/** The loaders dlmatrix ships; `loaders:` in the matrix file adds the user's own. */
export const BUILTIN_LOADERS = ['c', 'rust', 'node'] as const;
/** `system` (the distro's own package) or a CPython minor version. */
export const PYTHON_VERSION = /^3\.\d+$/;
/** A NumPy release, e.g. 1.26.4, 2.0, 2.1.0rc1. */
export const NUMPY_VERSION = /^\d+(\.\d+){1,2}([a-z0-9.]*)?$/;
export const SYSTEM = 'system';
/** The newest / oldest NumPy release with a wheel for the environment's Python (from PyPI). */
export const NUMPY_LATEST = 'latest';
export const NUMPY_OLDEST = 'oldest';
const NUMPY_WORDS = [SYSTEM, NUMPY_LATEST, NUMPY_OLDEST];

export type AxisValueCheck =
  | { ok: true; value: string }
  | { ok: false; message: string; hint: string };

/**
 * Validate one value of `axis` and return it in canonical form: flags lose the spaces around
 * `|` (so `RTLD_LOCAL | RTLD_NOW` and `RTLD_LOCAL|RTLD_NOW` are one cell and globs see one
 * spelling); every other value is returned unchanged.
 */
export function checkAxisValue(axis: string, value: string, customLoaders: readonly string[] = []): AxisValueCheck {
  if (value.trim() === '') {
    return { ok: false, message: `empty value for axis \`${axis}\``, hint: 'write a value or remove the entry' };
  }
  const control = controlCharacterIn(value);
  if (control) {
    return { ok: false, message: `a value of axis \`${axis}\` holds ${control}`, hint: 'axis values become cell ids and terminal lines: write them on one line, without control characters' };
  }
  switch (axis) {
    case 'distro': {
      const checked = checkDistro(value);
      return checked.ok ? { ok: true, value } : checked;
    }
    case 'python':
      if (value === SYSTEM || PYTHON_VERSION.test(value) || PYTHON_RELEASE.test(value)) return { ok: true, value };
      return {
        ok: false,
        message: `invalid python value "${value}"`,
        hint: `write \`${SYSTEM}\` (the distro's python3), a version like "3.12" (quoted, 3.<minor>), or a release like "3.13.5" (built from source)`,
      };
    case PYTHON_BUILD_AXIS:
      return checkPythonBuildValue(value);
    case 'numpy':
      if (NUMPY_WORDS.includes(value) || NUMPY_VERSION.test(value)) return { ok: true, value };
      return {
        ok: false,
        message: `invalid numpy value "${value}"`,
        hint:
          `write \`${SYSTEM}\` (the distro's python3-numpy), \`${NUMPY_LATEST}\` or \`${NUMPY_OLDEST}\` (the newest or oldest ` +
          'release with a wheel for the Python), or a release like "1.26.4"',
      };
    case 'loader': {
      const loaders = [...BUILTIN_LOADERS, ...customLoaders];
      if (loaders.includes(value)) return { ok: true, value };
      const guess = closest(value.trim(), loaders);
      const own = customLoaders.length === 0 ? '; add your own host programs under `loaders:`' : '';
      return {
        ok: false,
        message: `invalid loader "${value}"`,
        hint: `${guess === undefined ? '' : `did you mean \`${guess}\`? `}valid loaders: ${loaders.join(', ')}${own}`,
      };
    }
    case 'mitigation': {
      if ((MITIGATIONS as readonly string[]).includes(value)) return { ok: true, value };
      const guess = closest(value.trim(), MITIGATIONS);
      return {
        ok: false,
        message: `invalid mitigation "${value}"`,
        hint:
          `${guess === undefined ? '' : `did you mean \`${guess}\`? `}valid: none (as it is), preload (LD_PRELOAD of libpython), ` +
          'promote (the library built with project.promote-feature), library-path (LD_LIBRARY_PATH to libpython\'s folder)',
      };
    }
    case 'flags':
      try {
        return { ok: true, value: flagsText(parseFlags(value)) };
      } catch (error) {
        if (error instanceof FlagSyntaxError) return { ok: false, message: error.message, hint: error.hint };
        throw error;
      }
    default:
      return { ok: true, value };
  }
}

function flagsText(mode: LoadMode): string {
  return mode.kind === 'dlopen' ? mode.flags.join('|') : mode.kind;
}

/**
 * Key under which two values of `axis` are the same cell: flags in another order open the
 * library identically (`RTLD_NOW|RTLD_LOCAL` = `RTLD_LOCAL|RTLD_NOW`). Expects a valid value.
 */
export function axisValueKey(axis: string, value: string): string {
  if (axis !== 'flags') return value;
  const mode = parseFlags(value);
  return mode.kind === 'dlopen' ? [...mode.flags].sort().join('|') : mode.kind;
}
