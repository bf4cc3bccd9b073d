// What `dlmatrix init` decides about a Cargo project, from facts gathered elsewhere (the project's
// files, its locked crates, the distros' toolchains): which cdylib to test and how to build it,
// which function the built-in loaders call, which distros can build it and why the others cannot,
// which of its programs become loaders (with how they take the library and the flags), and what
// every cell is expected to do. Pure: the same facts always give the same matrix.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { dependencyClosure } from '../../cargo/cargo-lock.ts';
import type { CargoPackage, CargoProject } from '../../cargo/cargo-project.ts';
import { cargoForEdition, cargoForLockVersion, compareVersions } from '../../cargo/rust-versions.ts';
import { requirementsOf, type CrateFacts } from './crate-facts.ts';
import type { DistroFacts } from './distro-facts.ts';
import { withoutComments, type CHost, type DlopenHost, type Profile, type RustHost } from './host-programs.ts';
import { inRange, type PythonRange } from './pyo3-support.ts';
import { findEntryCandidates, type EntryCandidate } from './rust-exports.ts';

/** A problem with the project that the user has to fix; the message names the file. */
export class InitError extends Error {}

export interface LocatedEntry extends EntryCandidate {
  /** Source file relative to the project root. */
  file: string;
}

export interface DistroChoice {
  distro: string;
  python?: string;
  cargo?: string;
  /** In the matrix. */
  chosen: boolean;
  /** Why it is left out, or why it is in unchecked. */
  reason?: string;
}

/** One of the project's programs as a value of the loader axis. */
export interface PlannedLoader {
  name: string;
  host: RustHost;
  build: string;
  run: string[];
  env?: Record<string, string>;
  /** What the program does, for the comment next to it. */
  what: string;
  /** Its cells load without a fix: it links the library, or opens it with RTLD_GLOBAL. */
  loadsWithoutFix: boolean;
}

export interface InitPlan {
  project: CargoProject;
  library: CargoPackage;
  otherCdylibs: string[];
  profile: Profile;
  build: string;
  libraryPath: string;
  entries: LocatedEntry[];
  pyo3?: CrateFacts['pyo3'];
  distros: DistroChoice[];
  /** The cargo feature with the library's own fix, and whether its code calls it yet. */
  promote?: { feature: string; ready: boolean };
  features: string[];
  loaders: PlannedLoader[];
  /** Programs that load the library but cannot be run as they are, with why. */
  leftOutHosts: Array<{ host: RustHost; reason: string }>;
  cHosts: CHost[];
  /** Built-in loaders (c, rust): only with an entry to call. */
  builtinLoaders: string[];
  notes: string[];
}

const BUILTIN = ['c', 'rust', 'node'];

/** The cdylib init tests: the first that depends on pyo3, else the first cdylib. */
export function chooseLibrary(project: CargoProject): CargoPackage {
  const cdylibs = project.packages.filter((p) => p.crateTypes.includes('cdylib'));
  const library = cdylibs.find((p) => p.dependencies.some((d) => d.package === 'pyo3')) ?? cdylibs[0];
  if (!library) {
    const what = project.isWorkspace ? 'no member of the workspace builds' : `package ${project.packages[0]?.name ?? '?'} does not build`;
    throw new InitError(`${what} a cdylib: add \`[lib] crate-type = ["cdylib"]\` to the Cargo.toml of the library that embeds Python`);
  }
  return library;
}

export function planInit(project: CargoProject, crates: CrateFacts, distroFacts: DistroFacts[], hosts: RustHost[], cHosts: CHost[]): InitPlan {
  const library = chooseLibrary(project);
  const cdylibs = project.packages.filter((p) => p.crateTypes.includes('cdylib'));
  const notes = [...crates.problems];
  if (!library.dependencies.some((d) => d.package === 'pyo3')) notes.push(`${library.name} does not depend on pyo3`);

  const entries = rustFiles(project.root, join(library.dir, 'src')).flatMap((file) =>
    findEntryCandidates(readFileSync(join(project.root, file), 'utf8')).map((e) => ({ ...e, file })),
  );
  if (entries.length === 0) {
    notes.push(`${library.name} exports no \`#[no_mangle] pub extern "C" fn NAME()\`: add one that runs your Python code and set \`entry\` (the built-in loaders c and rust call it)`);
  }

  const relevant = hosts.filter((h) => h.package !== library.name || h.kind === 'dlopen');
  const profile = chooseProfile(relevant, notes);
  const libraryPath = `target/${profile}/lib${library.libName}.so`;
  const release = profile === 'release' ? ' --release' : '';
  const single = project.packages.length === 1;
  const build = `cargo build${release}${single ? '' : ` -p ${library.name}`}`;

  const loaders: PlannedLoader[] = [];
  const leftOutHosts: InitPlan['leftOutHosts'] = [];
  const taken = new Set(BUILTIN);
  for (const host of relevant) {
    const planned = planLoader(host, profile, libraryPath, single, taken);
    if ('reason' in planned) leftOutHosts.push({ host, reason: planned.reason });
    else {
      taken.add(planned.name);
      loaders.push(planned);
    }
  }

  const built = [library.name, ...new Set(loaders.map((l) => l.host.package))];
  return {
    project,
    library,
    otherCdylibs: cdylibs.filter((p) => p !== library).map((p) => p.name),
    profile,
    build,
    libraryPath,
    entries,
    ...(crates.pyo3 && { pyo3: crates.pyo3 }),
    distros: chooseDistros(distroFacts, crates, requirements(project, crates, built), library.name),
    ...promoteFeature(project.root, library),
    features: Object.keys(library.features),
    loaders,
    leftOutHosts,
    cHosts,
    builtinLoaders: entries.length > 0 ? ['c', 'rust'] : [],
    notes,
  };
}

/** Programs that hard-code the library's path name its profile; a build script's link search too. */
function chooseProfile(hosts: RustHost[], notes: string[]): Profile {
  const named = hosts.flatMap((h) => (h.kind === 'dlopen' ? (h.library.from === 'code' && h.library.profile ? [h.library.profile] : []) : h.profile ? [h.profile] : []));
  const profiles = [...new Set(named)];
  if (profiles.length > 1) notes.push('the host programs look for the library in both target/debug and target/release: the debug build is tested');
  return profiles.includes('debug') ? 'debug' : profiles[0] ?? 'release';
}

function planLoader(host: RustHost, profile: Profile, libraryPath: string, single: boolean, taken: Set<string>): PlannedLoader | { reason: string } {
  const name = taken.has(host.name) ? `${host.name}-host` : host.name;
  const release = profile === 'release' ? ' --release' : '';
  const build = `cargo build${release}${single ? '' : ` -p ${host.package}`} --bin ${host.name}`;
  const program = `./target/${profile}/${host.name}`;
  const libraryDir = `target/${profile}`;
  if (host.kind === 'linked') {
    const through = host.through === 'build script' ? 'through its build script (cargo:rustc-link-lib)' : host.through === '#[link]' ? 'with #[link(name = ...)]' : 'as a Cargo dependency';
    // #[link] names the library but not where it is: the linker is told, for this program only
    // (RUSTFLAGS would rebuild every dependency).
    const linkBuild = `cargo rustc${release}${single ? '' : ` -p ${host.package}`} --bin ${host.name} -- -L "$PWD/${libraryDir}"`;
    return { name, host, build: host.through === '#[link]' ? linkBuild : build, run: [program], env: { LD_LIBRARY_PATH: libraryDir }, what: `links the library at build time ${through}`, loadsWithoutFix: true };
  }
  const api = host.api === 'dlopen' ? 'dlopen()' : host.api;
  const run = [program];
  let what: string;
  if (host.library.from === 'argument') {
    run.push('{library}');
    what = `opens the library with ${api}, the path from its command line`;
  } else if (host.library.from === 'code') {
    const path = host.library.path.replace(/^\.\//, '');
    if (path.startsWith('/')) return { reason: `it opens ${host.library.path}, a path outside the project that the images do not have` };
    if (!path.includes('/')) {
      what = `opens ${host.library.path} with ${api} (found through LD_LIBRARY_PATH)`;
      return finish({ env: { LD_LIBRARY_PATH: libraryDir } });
    }
    if (path !== libraryPath) return { reason: `it opens ${host.library.path}, not the library the build leaves (${libraryPath})` };
    what = `opens ${host.library.path} (written in its code) with ${api}`;
  } else {
    return { reason: 'where it finds the library could not be read from its code (neither a path argument nor a literal path): add it under `loaders:` yourself' };
  }
  return finish({});

  function finish(extra: { env?: Record<string, string> }): PlannedLoader {
    const h = host as DlopenHost;
    let global = false;
    if (h.flags.from === 'argument') {
      run.push('{flags}');
      what += ', the flags too';
    } else if (h.flags.from === 'defaults') {
      what += ` and its default flags (${h.flags.flags})`;
    } else {
      global = h.flags.global;
      what += ` and flags written in its code (${global ? 'RTLD_GLOBAL' : 'RTLD_LOCAL'})`;
    }
    return { name, host, build, run, ...extra, what, loadsWithoutFix: global };
  }
}

interface Requirement {
  what: string;
  cargo: string;
}

/** What a distro's cargo must be to build the library and the chosen programs. */
function requirements(project: CargoProject, crates: CrateFacts, built: string[]): Requirement[] {
  const found: Requirement[] = [];
  for (const p of builtPackages(project, crates, built)) {
    const edition = cargoForEdition(p.edition);
    if (edition) found.push({ what: `${p.name} is edition ${p.edition}`, cargo: edition });
    if (p.rustVersion) found.push({ what: `${p.name} has rust-version ${p.rustVersion}`, cargo: p.rustVersion });
  }
  const lockCargo = crates.lock && cargoForLockVersion(crates.lock.version);
  if (lockCargo) found.push({ what: `Cargo.lock is format version ${crates.lock!.version}`, cargo: lockCargo });
  for (const r of requirementsOf(crates, built)) found.push({ what: `${r.crate} has rust-version ${r.rustVersion}`, cargo: r.rustVersion });
  return found;
}

/** The project's own packages a build of `built` compiles: through Cargo.lock, else their path dependencies. */
function builtPackages(project: CargoProject, crates: CrateFacts, built: string[]): CargoPackage[] {
  const names = new Set(built);
  if (crates.lock) for (const p of dependencyClosure(crates.lock, built)) names.add(p.name);
  else {
    const queue = [...built];
    while (queue.length > 0) {
      const pkg = project.packages.find((p) => p.name === queue.pop());
      for (const dep of pkg?.dependencies ?? []) {
        if (dep.path && dep.kind !== 'dev' && !names.has(dep.package)) {
          names.add(dep.package);
          queue.push(dep.package);
        }
      }
    }
  }
  // The library first: when several requirements block a distro equally, its own is named.
  return project.packages.filter((p) => names.has(p.name)).sort((a, b) => Number(b.name === built[0]) - Number(a.name === built[0]));
}

function chooseDistros(facts: DistroFacts[], crates: CrateFacts, needs: Requirement[], library: string): DistroChoice[] {
  const range: PythonRange | undefined = crates.pyo3?.range;
  const pyo3 = crates.pyo3 ? `PyO3 ${crates.pyo3.version}${crates.pyo3.ffi ? ` (pyo3-ffi ${crates.pyo3.ffi})` : ''}` : undefined;
  return facts.map((f): DistroChoice => {
    if (f.status === 'unchecked') return { distro: f.distro, chosen: true, reason: `not checked: ${f.reason}` };
    if (f.status === 'unavailable') return { distro: f.distro, chosen: false, reason: f.reason };
    const base = { distro: f.distro, python: f.python, cargo: f.cargo };
    if (range && pyo3 && !inRange(f.python, range)) {
      const side = compareVersions(f.python, range.min) < 0 ? 'older' : 'newer';
      return { ...base, chosen: false, reason: `its Python ${f.python} is ${side} than ${pyo3} supports (${range.min} to ${range.max})` };
    }
    const blocking = needs.filter((n) => compareVersions(f.cargo, n.cargo) < 0).sort((a, b) => compareVersions(b.cargo, a.cargo))[0];
    if (blocking) return { ...base, chosen: false, reason: `its cargo ${f.cargo} cannot build ${library}: ${blocking.what} (needs ${blocking.cargo})` };
    return { ...base, chosen: true };
  });
}

/**
 * A feature that turns on the library's own fix: one that enables the promote-libpython crate, or
 * one the library's code tests next to RTLD_GLOBAL. It is `ready` when the code calls the fix.
 */
function promoteFeature(root: string, library: CargoPackage): { promote?: InitPlan['promote'] } {
  const sources = rustFiles(root, join(library.dir, 'src')).map((file) => withoutComments(readFileSync(join(root, file), 'utf8'))).join('\n');
  const calls = /\bpromote_libpython\s*\(/.test(sources);
  for (const [feature, enables] of Object.entries(library.features)) {
    if (enables.some((e) => e === 'promote-libpython' || e === 'dep:promote-libpython' || e.startsWith('promote-libpython/'))) return { promote: { feature, ready: calls } };
  }
  for (const feature of Object.keys(library.features)) {
    const gated = new RegExp(`cfg\\(\\s*feature\\s*=\\s*"${feature.replace(/[.+]/g, '\\$&')}"\\s*\\)`);
    if (gated.test(sources) && /\bRTLD_GLOBAL\b|\bpromote_libpython\b/.test(sources)) return { promote: { feature, ready: true } };
  }
  return {};
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
    return name.endsWith('.rs') ? [path] : [];
  });
}
