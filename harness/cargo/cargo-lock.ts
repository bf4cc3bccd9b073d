// Cargo.lock: which version of each crate a project builds, where it comes from, what it depends
// on, and the lock file's format version (version 4 needs cargo 1.78 to be read).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readToml, table } from './cargo-project.ts';

export interface LockedPackage {
  name: string;
  version: string;
  /** `registry+https://...` for crates.io and other registries; absent for path (workspace) crates. */
  source?: string;
  /** Names (or "name version") of the packages it depends on, as the lock writes them. */
  dependencies: string[];
}

export interface CargoLock {
  file: string;
  /** The `version = N` line; 1 when absent (Cargo's oldest format). */
  version: number;
  packages: LockedPackage[];
}

export function readCargoLock(root: string): CargoLock | undefined {
  const file = join(root, 'Cargo.lock');
  if (!existsSync(file)) return undefined;
  const { toml } = readToml(file);
  const packages = (Array.isArray(toml.package) ? toml.package : []).map(table).flatMap((p): LockedPackage[] =>
    typeof p?.name === 'string' && typeof p.version === 'string'
      ? [
          {
            name: p.name,
            version: p.version,
            ...(typeof p.source === 'string' && { source: p.source }),
            dependencies: Array.isArray(p.dependencies) ? p.dependencies.filter((d): d is string => typeof d === 'string') : [],
          },
        ]
      : [],
  );
  return { file, version: typeof toml.version === 'number' ? toml.version : 1, packages };
}

/** The locked packages a build of `roots` (package names) compiles: their dependency closure. */
export function dependencyClosure(lock: CargoLock, roots: string[]): LockedPackage[] {
  const byKey = new Map<string, LockedPackage>();
  for (const p of lock.packages) {
    byKey.set(`${p.name} ${p.version}`, p);
    // A bare name in `dependencies` means the only locked version of that name.
    if (!byKey.has(p.name)) byKey.set(p.name, p);
  }
  const found = new Set<LockedPackage>();
  const queue = roots.flatMap((name) => (byKey.get(name) ? [byKey.get(name)!] : []));
  while (queue.length > 0) {
    const p = queue.pop()!;
    if (found.has(p)) continue;
    found.add(p);
    for (const dep of p.dependencies) {
      const [name, version] = dep.split(' ');
      const next = byKey.get(version ? `${name} ${version}` : name!);
      if (next) queue.push(next);
    }
  }
  return [...found];
}
