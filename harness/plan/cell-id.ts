// Stable, readable identities: `bookworm/py-system/np-1.26.4` for an environment and
// `bookworm/py-system/np-1.26.4/c/RTLD_LOCAL|RTLD_NOW` for a cell (extra axes appended as k=v).
// They key results across runs (baseline diffs, merges), so never change them lightly.
import { KNOWN_AXES } from '../matrix/types.ts';
import type { Combination } from '../matrix/types.ts';

export function environmentKey(axes: Combination): string {
  return `${axes.distro}/py-${axes.python}/np-${axes.numpy}`;
}

export function cellId(axes: Combination): string {
  const extras = Object.keys(axes)
    .filter((key) => !(KNOWN_AXES as readonly string[]).includes(key))
    .sort()
    .map((key) => `${key}=${axes[key]}`);
  return [environmentKey(axes), axes.loader, axes.flags, ...extras].join('/');
}
