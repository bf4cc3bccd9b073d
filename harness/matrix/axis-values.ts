// What values the five known axes accept. Checked when the matrix is loaded so that a typo
// (`pyhton`, `3.1O`, `rust `) is a positioned error instead of an image that fails to build an
// hour into a run. Unknown axes only label cells, so any value is fine for them.
import { closest } from './suggest.ts';
import { FlagSyntaxError, parseFlags, type LoadMode } from './flags.ts';

export const LOADERS = ['c', 'rust', 'node'] as const;
/** `system` (the distro's own package) or a CPython minor version. */
export const PYTHON_VERSION = /^3\.\d+$/;
/** `system` or a NumPy release, e.g. 1.26.4, 2.0, 2.1.0rc1. */
export const NUMPY_VERSION = /^\d+(\.\d+){1,2}([a-z0-9.]*)?$/;
export const SYSTEM = 'system';

export type AxisValueCheck =
  | { ok: true; value: string }
  | { ok: false; message: string; hint: string };

/**
 * Validate one value of `axis` and return it in canonical form: flags lose the spaces around
 * `|` (so `RTLD_LOCAL | RTLD_NOW` and `RTLD_LOCAL|RTLD_NOW` are one cell and globs see one
 * spelling); every other value is returned unchanged.
 */
export function checkAxisValue(axis: string, value: string): AxisValueCheck {
  if (value.trim() === '') {
    return { ok: false, message: `empty value for axis \`${axis}\``, hint: 'write a value or remove the entry' };
  }
  switch (axis) {
    case 'python':
      if (value === SYSTEM || PYTHON_VERSION.test(value)) return { ok: true, value };
      return {
        ok: false,
        message: `invalid python value "${value}"`,
        hint: `write \`${SYSTEM}\` (the distro's python3) or a version like "3.12" (quoted, 3.<minor>)`,
      };
    case 'numpy':
      if (value === SYSTEM || NUMPY_VERSION.test(value)) return { ok: true, value };
      return {
        ok: false,
        message: `invalid numpy value "${value}"`,
        hint: `write \`${SYSTEM}\` (the distro's python3-numpy) or a release like "1.26.4" or "2.2.6"`,
      };
    case 'loader': {
      if ((LOADERS as readonly string[]).includes(value)) return { ok: true, value };
      const guess = closest(value.trim(), LOADERS);
      return {
        ok: false,
        message: `invalid loader "${value}"`,
        hint: `${guess === undefined ? '' : `did you mean \`${guess}\`? `}valid loaders: ${LOADERS.join(', ')}`,
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
  return mode.kind === 'linked' ? 'linked' : mode.flags.join('|');
}

/**
 * Key under which two values of `axis` are the same cell: flags in another order open the
 * library identically (`RTLD_NOW|RTLD_LOCAL` = `RTLD_LOCAL|RTLD_NOW`). Expects a valid value.
 */
export function axisValueKey(axis: string, value: string): string {
  if (axis !== 'flags') return value;
  const mode = parseFlags(value);
  return mode.kind === 'linked' ? 'linked' : [...mode.flags].sort().join('|');
}
