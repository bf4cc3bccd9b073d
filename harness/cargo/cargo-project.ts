// A Cargo package or workspace read from its files, as Cargo itself reads them: the workspace's
// members (globs, `exclude`, and path dependencies inside the workspace, which Cargo makes members
// too), each package's targets, features, dependencies, edition and rust-version (workspace
// inheritance resolved), and every path dependency of the project with where it is written. The
// one reader `dlmatrix init` and the build context (docker/project-source.ts) share.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { parse, TomlError } from 'smol-toml';
import { expandMemberGlob, isGlob } from './member-globs.ts';

/** A manifest that cannot be read; the message names the file (and line and column when known). */
export class CargoProjectError extends Error {}

export type DependencyKind = 'normal' | 'dev' | 'build';

export interface Dependency {
  /** The name the code uses (the key in Cargo.toml). */
  name: string;
  /** The crate's own name (`package = "..."` renames it). */
  package: string;
  kind: DependencyKind;
  version?: string;
  /** As written, relative to the manifest's folder. */
  path?: string;
  optional: boolean;
  features: string[];
}

export interface BinTarget {
  name: string;
  /** Source file, relative to the project root. */
  path: string;
}

export interface CargoPackage {
  name: string;
  /** Folder relative to the project root ('.' for the root package), with `/`. */
  dir: string;
  /** Absolute path of its Cargo.toml. */
  manifest: string;
  /** Defaults to 2015, as Cargo's. */
  edition: string;
  rustVersion?: string;
  crateTypes: string[];
  /** The library's name as the linker sees it ([lib] name, else the package name with - as _). */
  libName: string;
  features: Record<string, string[]>;
  dependencies: Dependency[];
  bins: BinTarget[];
  /** The build script, relative to the project root, when there is one. */
  buildScript?: string;
}

export interface PathDependency {
  /** Absolute path of the Cargo.toml that names it. */
  manifest: string;
  /** 1-based line of the `path` in that file (1 when it cannot be found). */
  line: number;
  name: string;
  /** As written. */
  path: string;
  /** Absolute folder it points at. */
  target: string;
  exists: boolean;
}

export interface CargoProject {
  /** Absolute path of the folder holding the top Cargo.toml. */
  root: string;
  isWorkspace: boolean;
  /** The root package (if any) and the workspace members, by folder. */
  packages: CargoPackage[];
  /** Every path dependency of the project's manifests, and of the crates they point at, transitively. */
  pathDependencies: PathDependency[];
}

type Toml = Record<string, unknown>;

export const table = (value: unknown): Toml | undefined => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Toml) : undefined);
const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);
const posix = (path: string) => path.split(sep).join('/') || '.';

export function readCargoProject(dir: string): CargoProject {
  const root = resolve(dir);
  const rootManifest = join(root, 'Cargo.toml');
  if (!existsSync(rootManifest)) throw new CargoProjectError(`no Cargo.toml in ${root}`);
  const manifests = new ManifestCache();
  const top = manifests.read(rootManifest);
  const workspace = table(top.workspace);
  const inherited = { package: table(workspace?.package) ?? {}, dependencies: table(workspace?.dependencies) ?? {} };

  const memberDirs = workspace ? workspaceMembers(root, workspace, manifests) : [];
  const dirs = [...(table(top.package) ? ['.'] : []), ...memberDirs.filter((d) => d !== '.')];
  const packages = dirs.map((d) => readPackage(root, d, manifests.read(join(root, d, 'Cargo.toml')), inherited));
  return { root, isWorkspace: Boolean(workspace), packages, pathDependencies: allPathDependencies([rootManifest, ...packages.map((p) => p.manifest)], manifests) };
}

/** Parsed manifests with their text, each read once. */
class ManifestCache {
  private readonly parsed = new Map<string, { toml: Toml; text: string }>();

  read(file: string): Toml {
    return this.entry(file).toml;
  }

  text(file: string): string {
    return this.entry(file).text;
  }

  private entry(file: string): { toml: Toml; text: string } {
    let entry = this.parsed.get(file);
    if (!entry) {
      entry = readToml(file);
      this.parsed.set(file, entry);
    }
    return entry;
  }
}

export function readToml(file: string): { toml: Toml; text: string } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new CargoProjectError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  try {
    return { toml: parse(text) as Toml, text };
  } catch (err) {
    if (err instanceof TomlError) throw new CargoProjectError(`${file}:${err.line}:${err.column}: ${err.message.split('\n')[0]}`);
    throw err;
  }
}

/**
 * The members of a workspace as Cargo finds them: `members` globs expanded to folders, minus those
 * under an `exclude` path unless a literal `members` entry names them, plus path dependencies of
 * members that lie inside the workspace (and are not excluded), transitively.
 */
function workspaceMembers(root: string, workspace: Toml, manifests: ManifestCache): string[] {
  const patterns = strings(workspace.members);
  const literal = patterns.filter((p) => !isGlob(p)).map((p) => posix(join(p)));
  const exclude = strings(workspace.exclude).map((p) => posix(join(p)));
  const under = (dir: string, prefix: string) => dir === prefix || dir.startsWith(`${prefix}/`);
  const excluded = (dir: string) => exclude.some((e) => under(dir, e)) && !literal.some((m) => under(dir, m));

  const members: string[] = [];
  const add = (dir: string) => {
    if (members.includes(dir) || excluded(dir)) return;
    members.push(dir);
    // Path dependencies inside the workspace are members too (Cargo's rule).
    const manifest = join(root, dir, 'Cargo.toml');
    for (const dependency of pathDependenciesOf(manifest, manifests)) {
      const target = posix(relative(root, dependency.target));
      if (dependency.exists && !target.startsWith('..') && target !== '.') add(target);
    }
  };
  for (const pattern of patterns) {
    for (const dir of expandMemberGlob(root, pattern)) {
      if (!existsSync(join(root, dir, 'Cargo.toml'))) {
        // Cargo refuses a literal member without a manifest; a glob's folders without one are left out.
        if (!isGlob(pattern) && !excluded(dir)) throw new CargoProjectError(`${join(root, 'Cargo.toml')}: workspace member ${dir} has no Cargo.toml`);
        continue;
      }
      add(dir);
    }
  }
  return members.sort();
}

function readPackage(root: string, dir: string, manifest: Toml, inherited: { package: Toml; dependencies: Toml }): CargoPackage {
  const pkg = table(manifest.package) ?? {};
  const name = typeof pkg.name === 'string' ? pkg.name : basename(resolve(root, dir));
  const lib = table(manifest.lib) ?? {};
  const fromWorkspace = (key: string): unknown => (table(pkg[key])?.workspace === true ? inherited.package[key] : pkg[key]);
  const edition = fromWorkspace('edition');
  const rustVersion = fromWorkspace('rust-version');
  const features = Object.fromEntries(Object.entries(table(manifest.features) ?? {}).map(([feature, enables]) => [feature, strings(enables)]));
  const buildScript = pkg.build === false ? undefined : typeof pkg.build === 'string' ? pkg.build : existsSync(join(root, dir, 'build.rs')) ? 'build.rs' : undefined;
  return {
    name,
    dir,
    manifest: join(root, dir, 'Cargo.toml'),
    edition: typeof edition === 'string' ? edition : '2015',
    ...(typeof rustVersion === 'string' && { rustVersion }),
    crateTypes: strings(lib['crate-type'] ?? lib.crate_type),
    libName: typeof lib.name === 'string' ? lib.name : name.replace(/-/g, '_'),
    features,
    dependencies: dependencies(manifest, inherited.dependencies),
    bins: binTargets(root, dir, name, manifest),
    ...(buildScript && { buildScript: posix(join(dir, buildScript)) }),
  };
}

const KINDS: Array<[key: string, kind: DependencyKind]> = [
  ['dependencies', 'normal'],
  ['dev-dependencies', 'dev'],
  ['dev_dependencies', 'dev'],
  ['build-dependencies', 'build'],
  ['build_dependencies', 'build'],
];

/** Every dependency of a package manifest, in every table (target-specific ones too). */
function dependencies(manifest: Toml, workspaceDeps: Toml): Dependency[] {
  const owners = [manifest, ...Object.values(table(manifest.target) ?? {}).map(table)];
  return owners.flatMap((owner) =>
    KINDS.flatMap(([key, kind]) =>
      Object.entries(table(owner?.[key]) ?? {}).map(([name, spec]) => dependency(name, kind, spec, workspaceDeps[name])),
    ),
  );
}

/** `x = "1"`, `x = { version, path, package, optional, features }`, or `x = { workspace = true }`. */
function dependency(name: string, kind: DependencyKind, spec: unknown, workspaceSpec: unknown): Dependency {
  const own = typeof spec === 'string' ? { version: spec } : (table(spec) ?? {});
  const base = own.workspace === true ? (typeof workspaceSpec === 'string' ? { version: workspaceSpec } : (table(workspaceSpec) ?? {})) : {};
  const merged: Toml = { ...base, ...own, features: [...strings(base.features), ...strings(own.features)] };
  return {
    name,
    package: typeof merged.package === 'string' ? merged.package : name,
    kind,
    ...(typeof merged.version === 'string' && { version: merged.version }),
    ...(typeof merged.path === 'string' && { path: merged.path }),
    optional: merged.optional === true,
    features: strings(merged.features),
  };
}

/** [[bin]] entries plus Cargo's automatic ones (unless autobins = false): src/main.rs, src/bin/*.rs, src/bin/NAME/main.rs. */
function binTargets(root: string, dir: string, packageName: string, manifest: Toml): BinTarget[] {
  const bins = new Map<string, BinTarget>();
  const add = (name: string, path: string) => {
    if (!bins.has(name) && existsSync(join(root, path))) bins.set(name, { name, path: posix(path) });
  };
  for (const bin of Array.isArray(manifest.bin) ? manifest.bin : []) {
    const t = table(bin);
    if (typeof t?.name !== 'string') continue;
    if (typeof t.path === 'string') add(t.name, join(dir, t.path));
    else {
      add(t.name, join(dir, 'src', 'bin', `${t.name}.rs`));
      add(t.name, join(dir, 'src', 'bin', t.name, 'main.rs'));
    }
  }
  if (table(manifest.package)?.autobins === false) return [...bins.values()];
  add(packageName, join(dir, 'src', 'main.rs'));
  const binDir = join(root, dir, 'src', 'bin');
  for (const entry of existsSync(binDir) ? readDir(binDir) : []) {
    if (entry.endsWith('.rs')) add(entry.slice(0, -3), join(dir, 'src', 'bin', entry));
    else add(entry, join(dir, 'src', 'bin', entry, 'main.rs'));
  }
  return [...bins.values()];
}

function readDir(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

/**
 * Path dependencies named in these manifests (every dependency table, [workspace.dependencies],
 * [patch.*]) and, transitively, in the manifests of the crates they point at.
 */
function allPathDependencies(start: string[], manifests: ManifestCache): PathDependency[] {
  const found: PathDependency[] = [];
  const seen = new Set<string>();
  const queue = [...start];
  while (queue.length > 0) {
    const manifest = queue.shift()!;
    if (seen.has(manifest)) continue;
    seen.add(manifest);
    for (const dependency of pathDependenciesOf(manifest, manifests)) {
      found.push(dependency);
      const next = join(dependency.target, 'Cargo.toml');
      if (dependency.exists && existsSync(next)) queue.push(next);
    }
  }
  return found;
}

function pathDependenciesOf(manifest: string, manifests: ManifestCache): PathDependency[] {
  const toml = manifests.read(manifest);
  const text = manifests.text(manifest);
  const tables: Toml[] = [];
  const collect = (owner: Toml | undefined) => {
    for (const [key] of KINDS) {
      const t = table(owner?.[key]);
      if (t) tables.push(t);
    }
  };
  collect(toml);
  collect(table(toml.workspace));
  for (const target of Object.values(table(toml.target) ?? {})) collect(table(target));
  for (const patches of Object.values(table(toml.patch) ?? {})) {
    const t = table(patches);
    if (t) tables.push(t);
  }
  return tables.flatMap((t) =>
    Object.entries(t).flatMap(([name, spec]) => {
      const path = table(spec)?.path;
      if (typeof path !== 'string') return [];
      const target = resolve(dirname(manifest), path);
      return [{ manifest, line: lineOf(text, path), name, path, target, exists: existsSync(target) }];
    }),
  );
}

/** The line of a `path = "..."` value in a manifest's text. */
function lineOf(text: string, path: string): number {
  const quoted = [`"${path}"`, `'${path}'`].map((q) => text.indexOf(q)).filter((i) => i >= 0);
  return quoted.length === 0 ? 1 : text.slice(0, Math.min(...quoted)).split('\n').length;
}

/** The folder of a workspace above `dir` whose members include it, if any. */
export function enclosingWorkspace(dir: string): string | undefined {
  const target = resolve(dir);
  for (let parent = dirname(target); parent !== dirname(parent); parent = dirname(parent)) {
    const manifest = join(parent, 'Cargo.toml');
    if (!existsSync(manifest)) continue;
    try {
      const workspace = table(readToml(manifest).toml.workspace);
      if (!workspace) continue;
      const rel = posix(relative(parent, target));
      if (workspaceMembers(parent, workspace, new ManifestCache()).includes(rel)) return parent;
    } catch {
      // Not ours to judge: only the project's own manifests are reported.
    }
  }
  return undefined;
}
