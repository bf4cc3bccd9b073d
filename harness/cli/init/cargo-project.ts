// A Cargo package or workspace as `dlmatrix init` needs it: its packages, which one is the
// cdylib, its PyO3 version, features, and the binaries that might load it.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { parse, TomlError } from 'smol-toml';

/** A problem with the project that the user has to fix; the message names the file. */
export class InitError extends Error {}

export interface BinTarget {
  name: string;
  /** Source file, relative to the project root. */
  path: string;
}

export interface CargoPackage {
  name: string;
  /** Folder relative to the project root ('.' for the root package). */
  dir: string;
  crateTypes: string[];
  /** The library's name as the linker sees it ([lib] name, else the package name with - as _). */
  libName: string;
  features: string[];
  dependencies: string[];
  /** The pyo3 version requirement written in Cargo.toml (workspace inheritance resolved). */
  pyo3Requirement?: string;
  bins: BinTarget[];
}

export interface CargoProject {
  root: string;
  isWorkspace: boolean;
  packages: CargoPackage[];
  /** The pyo3 version in Cargo.lock, when there is one. */
  lockedPyo3?: string;
}

type Toml = Record<string, unknown>;

export function readCargoProject(root: string): CargoProject {
  const manifest = join(root, 'Cargo.toml');
  if (!existsSync(manifest)) {
    throw new InitError(`no Cargo.toml in ${root}: run \`dlmatrix init\` in the folder of your Cargo package or workspace (or pass --dir)`);
  }
  const top = readToml(manifest);
  const workspace = table(top.workspace);
  if (!workspace) {
    const parent = enclosingWorkspace(root);
    if (parent) throw new InitError(`${root} is a member of the Cargo workspace in ${parent}: run \`dlmatrix init\` there`);
  }
  const memberDirs = workspace ? workspaceMembers(root, workspace) : [];
  const dirs = [...(table(top.package) ? ['.'] : []), ...memberDirs];
  const workspaceDeps = table(workspace?.dependencies) ?? {};
  const packages = dirs.map((dir) => readPackage(root, dir, dir === '.' ? top : readToml(join(root, dir, 'Cargo.toml')), workspaceDeps));
  return { root, isWorkspace: Boolean(workspace), packages, lockedPyo3: lockedVersion(join(root, 'Cargo.lock'), 'pyo3') };
}

function readToml(file: string): Toml {
  try {
    return parse(readFileSync(file, 'utf8')) as Toml;
  } catch (err) {
    if (err instanceof TomlError) throw new InitError(`${file}:${err.line}:${err.column}: ${err.message.split('\n')[0]}`);
    throw new InitError(`cannot read ${file}: ${(err as Error).message}`);
  }
}

const table = (value: unknown): Toml | undefined => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Toml) : undefined);
const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);

/** `members` globs (a `*` matches one folder name) minus `exclude`, keeping folders with a Cargo.toml. */
function workspaceMembers(root: string, workspace: Toml): string[] {
  const excluded = new Set(strings(workspace.exclude).map((p) => join(p)));
  const found: string[] = [];
  for (const pattern of strings(workspace.members)) {
    let dirs = ['.'];
    for (const part of pattern.split('/').filter((p) => p && p !== '.')) {
      dirs = dirs.flatMap((dir) => {
        if (!part.includes('*')) return [join(dir, part)];
        const re = new RegExp(`^${part.replace(/[.+^${}()|[\]\\?]/g, '\\$&').replace(/\*/g, '.*')}$`);
        const abs = join(root, dir);
        return existsSync(abs) ? readdirSync(abs).filter((n) => re.test(n) && statSync(join(abs, n)).isDirectory()).map((n) => join(dir, n)) : [];
      });
    }
    for (const dir of dirs) if (!excluded.has(dir) && existsSync(join(root, dir, 'Cargo.toml')) && !found.includes(dir)) found.push(dir);
  }
  return found.sort();
}

function readPackage(root: string, dir: string, manifest: Toml, workspaceDeps: Toml): CargoPackage {
  const pkg = table(manifest.package) ?? {};
  const name = typeof pkg.name === 'string' ? pkg.name : basename(resolve(root, dir));
  const lib = table(manifest.lib) ?? {};
  const dependencies = table(manifest.dependencies) ?? {};
  return {
    name,
    dir,
    crateTypes: strings(lib['crate-type'] ?? lib.crate_type),
    libName: typeof lib.name === 'string' ? lib.name : name.replace(/-/g, '_'),
    features: Object.keys(table(manifest.features) ?? {}),
    dependencies: Object.keys(dependencies),
    pyo3Requirement: requirement(dependencies.pyo3, workspaceDeps.pyo3),
    bins: binTargets(root, dir, name, manifest),
  };
}

/** `pyo3 = "0.22"`, `{ version = "0.22" }`, or `{ workspace = true }` (then the workspace's). */
function requirement(dep: unknown, workspaceDep: unknown): string | undefined {
  if (typeof dep === 'string') return dep;
  const t = table(dep);
  if (!t) return undefined;
  if (t.workspace === true) return requirement(workspaceDep, undefined);
  return typeof t.version === 'string' ? t.version : undefined;
}

/** [[bin]] entries plus Cargo's automatic ones: src/main.rs and src/bin/*.rs. */
function binTargets(root: string, dir: string, packageName: string, manifest: Toml): BinTarget[] {
  const bins = new Map<string, BinTarget>();
  const add = (name: string, path: string) => {
    if (!bins.has(name) && existsSync(join(root, path))) bins.set(name, { name, path });
  };
  for (const bin of Array.isArray(manifest.bin) ? manifest.bin : []) {
    const t = table(bin);
    if (typeof t?.name !== 'string') continue;
    add(t.name, join(dir, typeof t.path === 'string' ? t.path : join('src', 'bin', `${t.name}.rs`)));
  }
  add(packageName, join(dir, 'src', 'main.rs'));
  const binDir = join(root, dir, 'src', 'bin');
  if (existsSync(binDir)) {
    for (const file of readdirSync(binDir).sort()) if (file.endsWith('.rs')) add(file.slice(0, -3), join(dir, 'src', 'bin', file));
  }
  return [...bins.values()];
}

/** The version of a package in a Cargo.lock (the first, if several). */
function lockedVersion(lockFile: string, name: string): string | undefined {
  if (!existsSync(lockFile)) return undefined;
  const lock = readToml(lockFile);
  const entry = (Array.isArray(lock.package) ? lock.package : []).map(table).find((p) => p?.name === name);
  return typeof entry?.version === 'string' ? entry.version : undefined;
}

/** A parent folder whose Cargo.toml is a workspace listing this folder (by path prefix). */
function enclosingWorkspace(dir: string): string | undefined {
  for (let parent = dirname(resolve(dir)); parent !== dirname(parent); parent = dirname(parent)) {
    const manifest = join(parent, 'Cargo.toml');
    if (!existsSync(manifest)) continue;
    try {
      const members = strings(table((parse(readFileSync(manifest, 'utf8')) as Toml).workspace)?.members);
      const rel = relative(parent, resolve(dir));
      if (members.some((m) => rel === m || new RegExp(`^${m.replace(/[.+^${}()|[\]\\?]/g, '\\$&').replace(/\*/g, '[^/]*')}$`).test(rel))) return parent;
    } catch {
      // Not ours to judge: only the project's own Cargo.toml errors are reported.
    }
  }
  return undefined;
}
