// Stable, readable identities: `bookworm/py-system/np-1.26.4` for an environment and
// `bookworm/py-system/np-1.26.4/c/RTLD_LOCAL|RTLD_NOW` for a cell (extra axes appended as k=v).
// A CPython built from source names its layout: `trixie/py-3.13.5-shared/np-latest`; the
// distro's own Python (`python-build: distro`, the default) adds nothing, so ids of matrices
// without that axis stay as they were. They key results across runs (baseline diffs, merges),
// so never change them lightly.
import { KNOWN_AXES, PYTHON_BUILD_AXIS } from '../matrix/types.ts';
import type { Combination } from '../matrix/types.ts';

export function environmentKey(axes: Combination): string {
  const build = axes[PYTHON_BUILD_AXIS];
  return `${axes.distro}/py-${axes.python}${build && build !== 'distro' ? `-${build}` : ''}/np-${axes.numpy}`;
}

export function cellId(axes: Combination): string {
  const extras = Object.keys(axes)
    .filter((key) => !(KNOWN_AXES as readonly string[]).includes(key) && key !== PYTHON_BUILD_AXIS)
    .sort()
    .map((key) => `${key}=${axes[key]}`);
  return [environmentKey(axes), axes.loader, axes.flags, ...extras].join('/');
}
