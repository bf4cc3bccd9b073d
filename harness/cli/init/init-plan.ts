// What `dlmatrix init` decides about a Cargo project: which cdylib to test, how to build it, which
// function to call, which distros its PyO3 can build for, and which of its binaries load it.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { InitError, type CargoPackage, type CargoProject } from './cargo-project.ts';
import { distrosFor, pyo3PythonRange, type DistroChoice, type PythonRange } from './python-support.ts';
import { findEntryCandidates, type EntryCandidate } from './rust-exports.ts';

export interface LocatedEntry extends EntryCandidate {
  /** Source file relative to the project root. */
  file: string;
}

export interface HostBinary {
  name: string;
  package: string;
  path: string;
  /** How it gets at the library: at run time (a loader) or linked at build time. */
  how: 'libloading' | 'dlopen' | 'linked';
}

export interface InitPlan {
  project: CargoProject;
  library: CargoPackage;
  /** Other cdylibs in the project, not tested by this matrix. */
  otherCdylibs: string[];
  build: string;
  libraryPath: string;
  entries: LocatedEntry[];
  pyo3?: { version: string; from: 'Cargo.lock' | 'Cargo.toml' };
  range?: PythonRange;
  distros: DistroChoice[];
  /** A cargo feature that looks like the library's own fix, and the other features. */
  promoteFeature?: string;
  features: string[];
  hosts: HostBinary[];
  /** Things the user should know; also written as comments. */
  notes: string[];
}

// Feature names that suggest "the library fixes the RTLD_LOCAL problem itself".
const FIX_FEATURE = /fix|promote|global|rtld|preload|libpython|workaround/i;

export function planInit(project: CargoProject): InitPlan {
  const cdylibs = project.packages.filter((p) => p.crateTypes.includes('cdylib'));
  if (cdylibs.length === 0) {
    const what = project.isWorkspace ? 'no member of the workspace builds' : `package ${project.packages[0]?.name ?? '?'} does not build`;
    throw new InitError(`${what} a cdylib: add \`[lib] crate-type = ["cdylib"]\` to the Cargo.toml of the library that embeds Python`);
  }
  // A cdylib using PyO3 is what dlmatrix tests; among several, the first such one.
  const library = cdylibs.find((p) => p.pyo3Requirement) ?? cdylibs[0];
  const notes: string[] = [];
  const pyo3 = project.lockedPyo3
    ? { version: project.lockedPyo3, from: 'Cargo.lock' as const }
    : library.pyo3Requirement
      ? { version: library.pyo3Requirement.replace(/^[\s^~=<>]+/, '').split(/[\s,]/)[0], from: 'Cargo.toml' as const }
      : undefined;
  const range = pyo3 ? pyo3PythonRange(pyo3.version) : undefined;
  if (!pyo3) notes.push(`${library.name} does not depend on pyo3: every distro is listed`);
  else if (!range) notes.push(`PyO3 ${pyo3.version} is older than the releases dlmatrix knows (0.15 and later): every distro is listed, some may not build`);

  const entries = rustFiles(project.root, join(library.dir, 'src')).flatMap((file) =>
    findEntryCandidates(readFileSync(join(project.root, file), 'utf8')).map((e) => ({ ...e, file })),
  );
  if (entries.length === 0) {
    notes.push(`${library.name} exports no \`#[no_mangle] pub extern "C" fn NAME()\`: add one that runs your Python code and set \`entry\``);
  }
  const promoteFeature = library.features.find((f) => FIX_FEATURE.test(f));
  return {
    project,
    library,
    otherCdylibs: cdylibs.filter((p) => p !== library).map((p) => p.name),
    build: project.packages.length > 1 ? `cargo build --release -p ${library.name}` : 'cargo build --release',
    libraryPath: `target/release/lib${library.libName}.so`,
    entries,
    pyo3,
    range,
    distros: range ? distrosFor(range) : distrosFor({ min: '0.0', max: '99.0' }),
    promoteFeature,
    features: library.features,
    hosts: hostBinaries(project, library),
    notes,
  };
}

/** Binaries that open the library with libloading or dlopen(), or link against it. */
function hostBinaries(project: CargoProject, library: CargoPackage): HostBinary[] {
  return project.packages.flatMap((pkg) =>
    pkg.bins.flatMap((bin): HostBinary[] => {
      const source = readFileSync(join(project.root, bin.path), 'utf8');
      const soleBin = pkg.bins.length === 1;
      const how: HostBinary['how'] | undefined =
        /\blibloading\b/.test(source) || (soleBin && pkg.dependencies.includes('libloading'))
          ? 'libloading'
          : /\bdlopen\b/.test(source)
            ? 'dlopen'
            : pkg !== library && pkg.dependencies.includes(library.name)
              ? 'linked'
              : undefined;
      return how ? [{ name: bin.name, package: pkg.name, path: bin.path, how }] : [];
    }),
  );
}

function rustFiles(root: string, dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(join(root, dir)).sort();
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(root, path)).isDirectory()) return rustFiles(root, path);
    return name.endsWith('.rs') ? [relative('.', path)] : [];
  });
}
