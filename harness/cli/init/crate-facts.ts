// What the crates a project locks say about themselves, read from cargo's registry copies: the
// CPython range of the locked pyo3-ffi, and each crate's rust-version (the oldest rustc it
// builds with). When the registry lacks them, `cargo fetch` (the project's own cargo, with its
// own configuration and registry) downloads exactly what Cargo.lock names.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { dependencyClosure, readCargoLock, type CargoLock, type LockedPackage } from '../../cargo/cargo-lock.ts';
import { readToml, table } from '../../cargo/cargo-project.ts';
import { registrySource } from '../../cargo/registry-sources.ts';
import { supportedCpythonIn, type PythonRange } from './pyo3-support.ts';

export interface CrateFacts {
  lock?: CargoLock;
  pyo3?: { version: string; ffi?: string; range?: PythonRange };
  /** rust-version of each locked registry crate that declares one, by "name version". */
  rustVersions: Map<string, string>;
  /** What could not be read, for the notes. */
  problems: string[];
  /** True when `cargo fetch` ran (and wrote Cargo.lock if there was none). */
  fetched: boolean;
}

export type Fetch = (root: string) => { ok: boolean; output: string };

/** `cargo fetch` in the project: downloads what Cargo.lock pins (and writes Cargo.lock when it is missing). */
export const cargoFetch: Fetch = (root) => {
  const result = spawnSync('cargo', ['fetch', '--manifest-path', join(root, 'Cargo.toml')], { encoding: 'utf8', timeout: 600_000 });
  if (result.error) return { ok: false, output: (result.error as NodeJS.ErrnoException).code === 'ENOENT' ? 'cargo is not installed on this machine' : result.error.message };
  return { ok: result.status === 0, output: `${result.stderr}`.trim().split('\n').slice(-3).join(' ') };
};

export function readCrateFacts(root: string, fetch: Fetch | undefined): CrateFacts {
  const problems: string[] = [];
  let lock = readCargoLock(root);
  let fetched = false;
  const missing = (l: CargoLock | undefined) => !l || l.packages.some((p) => p.source?.startsWith('registry+') && !registrySource(p.name, p.version));
  if (fetch && missing(lock)) {
    const hadLock = lock !== undefined;
    const result = fetch(root);
    fetched = result.ok;
    if (!result.ok) problems.push(`\`cargo fetch\` failed (${result.output}): the locked crates' own requirements were not read`);
    lock = readCargoLock(root);
    if (!hadLock && lock) problems.push('there was no Cargo.lock: `cargo fetch` wrote one; commit it, the builds in every distro use it');
  }
  if (!lock) problems.push('the project has no Cargo.lock: the crate versions a build would pick are unknown');
  const locked = (name: string) => lock?.packages.find((p) => p.name === name);
  const pyo3 = locked('pyo3');
  const ffi = locked('pyo3-ffi');
  const ffiDir = ffi && registrySource(ffi.name, ffi.version);
  const range = ffiDir ? supportedCpythonIn(ffiDir) : undefined;
  if (pyo3 && !range) problems.push(`the CPython range of pyo3-ffi ${ffi?.version ?? '(not locked)'} could not be read from cargo's registry${ffiDir ? ` (${join(ffiDir, 'build.rs')})` : ''}`);
  return {
    ...(lock && { lock }),
    ...(pyo3 && { pyo3: { version: pyo3.version, ...(ffi && { ffi: ffi.version }), ...(range && { range }) } }),
    rustVersions: lock ? rustVersions(lock.packages) : new Map(),
    problems,
    fetched,
  };
}

function rustVersions(packages: LockedPackage[]): Map<string, string> {
  const found = new Map<string, string>();
  for (const p of packages) {
    const dir = p.source?.startsWith('registry+') ? registrySource(p.name, p.version) : undefined;
    if (!dir || !existsSync(join(dir, 'Cargo.toml'))) continue;
    try {
      const rustVersion = table(readToml(join(dir, 'Cargo.toml')).toml.package)?.['rust-version'];
      if (typeof rustVersion === 'string') found.set(`${p.name} ${p.version}`, rustVersion);
    } catch {
      // A registry copy cargo could read but smol-toml cannot: its requirement stays unknown.
    }
  }
  return found;
}

/** The locked registry crates a build of these packages compiles, with their rust-version. */
export function requirementsOf(facts: CrateFacts, packages: string[]): Array<{ crate: string; rustVersion: string }> {
  if (!facts.lock) return [];
  return dependencyClosure(facts.lock, packages).flatMap((p) => {
    const rustVersion = facts.rustVersions.get(`${p.name} ${p.version}`);
    return rustVersion ? [{ crate: `${p.name} ${p.version}`, rustVersion }] : [];
  });
}
