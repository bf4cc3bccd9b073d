// Which folders the project under test needs in its build context: the project itself and every
// local path dependency outside it (a workspace's sibling crates, or the promote-libpython crate
// of this repository), found transitively in the Cargo.toml files. They are copied keeping their
// relative layout, so `path = "../../x"` still points at x inside the image.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

export interface ProjectSource {
  /** Common ancestor of the project and its outside path dependencies. */
  root: string;
  /** Folders to copy (the project first), absolute. */
  folders: string[];
  /** The project, relative to root (`.` when it is the root). */
  projectDir: string;
}

/** A table header under which `path = "..."` names a dependency, not a source file. */
const DEPENDENCY_TABLE = /(^|\.)(dependencies|dev-dependencies|build-dependencies)(\.|$)|^patch\./;
const PATH_KEY = /(?:^|[\s{,])path\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

export function projectSource(projectDir: string): ProjectSource {
  const project = resolve(projectDir);
  const folders = new Set<string>([project]);
  const queue = [project];
  while (queue.length > 0) {
    const dir = queue.shift()!;
    for (const manifest of manifestsIn(dir, project)) {
      for (const dependency of pathDependencies(readFileSync(manifest, 'utf8'))) {
        const target = resolve(dirname(manifest), dependency);
        if (isInside(target, project) || [...folders].some((f) => isInside(target, f))) continue;
        folders.add(target);
        queue.push(target);
      }
    }
  }
  const root = [...folders].reduce(commonAncestor);
  return { root, folders: [...folders], projectDir: relative(root, project) || '.' };
}

/** The manifest of `dir`, plus those of the project's members when `dir` is the project. */
function manifestsIn(dir: string, project: string): string[] {
  const manifest = join(dir, 'Cargo.toml');
  if (!existsSync(manifest)) return [];
  if (dir !== project) return [manifest];
  const members = workspaceMembers(readFileSync(manifest, 'utf8')).map((m) => join(dir, m, 'Cargo.toml'));
  return [manifest, ...members.filter((m) => existsSync(m))];
}

/** Paths of `path = "..."` dependencies in a Cargo.toml (inline tables and dependency tables). */
export function pathDependencies(toml: string): string[] {
  const paths: string[] = [];
  let table = '';
  for (const raw of toml.split('\n')) {
    const line = stripComment(raw).trim();
    const header = /^\[\[?\s*([^\]]+?)\s*\]\]?$/.exec(line);
    if (header) {
      table = header[1].replace(/["']/g, '');
      continue;
    }
    if (!DEPENDENCY_TABLE.test(table)) continue;
    for (const match of line.matchAll(PATH_KEY)) paths.push(match[1] ?? match[2]);
  }
  return paths;
}

/** `members = ["a", "b"]` of [workspace] (globs are left to cargo: they stay inside the project). */
function workspaceMembers(toml: string): string[] {
  const block = /\[workspace\][^[]*?members\s*=\s*\[([^\]]*)\]/s.exec(toml.split('\n').map(stripComment).join('\n'));
  if (!block) return [];
  return [...block[1].matchAll(/"([^"*?]+)"|'([^'*?]+)'/g)].map((m) => m[1] ?? m[2]);
}

function stripComment(line: string): string {
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote && line[i - 1] !== '\\') quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#') return line.slice(0, i);
  }
  return line;
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
