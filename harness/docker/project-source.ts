// Which folders the project under test needs in its build context: the project itself and every
// local path dependency outside it (a workspace's sibling crates, or the promote-libpython crate
// of this repository), found transitively in the Cargo.toml files. They are copied keeping their
// relative layout, so `path = "../../x"` still points at x inside the image.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { parse } from 'smol-toml';

export interface ProjectSource {
  /** Common ancestor of the project and its outside path dependencies. */
  root: string;
  /** Folders to copy (the project first), absolute. */
  folders: string[];
  /** The project, relative to root (`.` when it is the root). */
  projectDir: string;
}

export function projectSource(projectDir: string): ProjectSource {
  const project = resolve(projectDir);
  const folders = [project];
  const queue = [project];
  while (queue.length > 0) {
    const dir = queue.shift()!;
    for (const manifest of manifestsIn(dir, project)) {
      for (const dependency of pathDependencies(readFileSync(manifest, 'utf8'))) {
        const target = resolve(dirname(manifest), dependency);
        // A path that does not exist is cargo's to report, at build time, in its own words.
        if (!existsSync(target) || folders.some((folder) => isInside(target, folder))) continue;
        folders.push(target);
        queue.push(target);
      }
    }
  }
  const root = folders.reduce(commonAncestor);
  return { root, folders, projectDir: relative(root, project) || '.' };
}

/** The manifest of `dir`, plus those of the project's workspace members. */
function manifestsIn(dir: string, project: string): string[] {
  const manifest = join(dir, 'Cargo.toml');
  if (!existsSync(manifest)) return [];
  if (dir !== project) return [manifest];
  const members = workspaceMembers(readFileSync(manifest, 'utf8')).flatMap((member) => {
    // `crates/*`, the usual glob: every folder under crates/.
    if (!member.endsWith('/*')) return [join(dir, member, 'Cargo.toml')];
    const parent = join(dir, member.slice(0, -2));
    return existsSync(parent) ? readdirSync(parent, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => join(parent, e.name, 'Cargo.toml')) : [];
  });
  return [manifest, ...members.filter((m) => existsSync(m))];
}

/** Paths of the `path = "..."` dependencies a Cargo.toml names, in every kind of dependency table. */
export function pathDependencies(toml: string): string[] {
  let manifest: Record<string, unknown>;
  try {
    manifest = parse(toml) as Record<string, unknown>;
  } catch {
    return []; // cargo reports a broken manifest better, at build time
  }
  const tables: unknown[] = [];
  const collect = (owner: Record<string, unknown> | undefined) => {
    for (const kind of ['dependencies', 'dev-dependencies', 'build-dependencies']) tables.push(owner?.[kind]);
  };
  collect(manifest);
  collect(manifest.workspace as Record<string, unknown> | undefined);
  for (const target of Object.values((manifest.target as Record<string, Record<string, unknown>> | undefined) ?? {})) collect(target);
  tables.push(...Object.values((manifest.patch as Record<string, unknown> | undefined) ?? {}));
  return tables.flatMap((table) =>
    Object.values((table as Record<string, unknown> | undefined) ?? {}).flatMap((spec) =>
      typeof spec === 'object' && spec !== null && typeof (spec as { path?: unknown }).path === 'string' ? [(spec as { path: string }).path] : [],
    ),
  );
}

/** `members` of [workspace]: plain paths and `dir/*` (other globs are left out). */
function workspaceMembers(toml: string): string[] {
  try {
    const members = ((parse(toml) as { workspace?: { members?: unknown } }).workspace?.members ?? []) as unknown[];
    return members.filter((m): m is string => typeof m === 'string' && !/[*?[]/.test(m.replace(/\/\*$/, '')));
  } catch {
    return [];
  }
}

function isInside(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir + sep);
}

function commonAncestor(a: string, b: string): string {
  const x = a.split(sep);
  const y = b.split(sep);
  let i = 0;
  while (i < x.length && i < y.length && x[i] === y[i]) i++;
  return x.slice(0, i).join(sep) || sep;
}
