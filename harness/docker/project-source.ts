// What of the project under test goes into its build context: the project folder and every path
// dependency outside it (a workspace's sibling crates, a shared fix crate), found by the one Cargo
// reader (harness/cargo/), copied keeping their relative layout so `path = "../../x"` still points
// at x inside the image. Left out: build outputs and VCS data (target/, .git/), node_modules/, the
// matrix file, and dlmatrix's own output folders (reports/): none of them is build input, and
// each would make a new environment image whenever it changes (a comment in matrix.yaml, a run).
import { existsSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { CargoProjectError, readCargoProject, type PathDependency } from '../cargo/cargo-project.ts';

export interface ProjectSource {
  /** Common ancestor of the project and its outside path dependencies. */
  root: string;
  /** Folders to copy (the project first), absolute. */
  folders: string[];
  /** The project, relative to root (`.` when it is the root). */
  projectDir: string;
  /** Absolute paths inside the folders that are not copied (see isLeftOut). */
  ignore: string[];
}

/** Folder names never copied, wherever they are. */
export const NEVER_COPIED = ['target', '.git', 'node_modules'];
// What every dlmatrix output folder holds (results/journal.ts's JOURNAL_FILE, written when a run starts).
const OUTPUT_MARKERS = ['results.jsonl'];

/**
 * `ignore`: absolute paths to leave out besides the usual ones (the matrix file). A manifest
 * that cannot be read leaves the project alone in the context: cargo then reports it at build
 * time, in its own words.
 */
export function projectSource(projectDir: string, ignore: readonly string[] = []): ProjectSource {
  const project = resolve(projectDir);
  const folders = [project];
  for (const dependency of pathDependencies(project)) {
    if (!dependency.exists || folders.some((folder) => isInside(dependency.target, folder))) continue;
    // A folder that holds one already chosen replaces it.
    for (let i = folders.length - 1; i > 0; i--) if (isInside(folders[i]!, dependency.target)) folders.splice(i, 1);
    folders.push(dependency.target);
  }
  const root = folders.reduce(commonAncestor);
  return { root, folders, projectDir: relative(root, project) || '.', ignore: ignore.map((p) => resolve(p)) };
}

/** True for a path (inside one of the source's folders) that the build context leaves out. */
export function isLeftOut(source: ProjectSource, path: string): boolean {
  if (source.ignore.includes(path)) return true;
  if (NEVER_COPIED.includes(basename(path))) return true;
  return OUTPUT_MARKERS.some((marker) => existsSync(join(path, marker)));
}

/** A path dependency the build will not find: it does not exist, or it lies in a folder that is not copied. */
export interface UncopiedDependency extends PathDependency {
  why: string;
}

export function uncopiedPathDependencies(projectDir: string, ignore: readonly string[] = []): UncopiedDependency[] {
  const source = projectSource(projectDir, ignore);
  return pathDependencies(resolve(projectDir)).flatMap((dependency): UncopiedDependency[] => {
    if (!dependency.exists) return [{ ...dependency, why: 'does not exist' }];
    const folder = source.folders.find((f) => isInside(dependency.target, f));
    if (!folder) return [];
    // Every folder from the copied folder down to the dependency must be copied.
    for (let path = dependency.target; path !== folder; path = dirname(path)) {
      if (isLeftOut(source, path)) return [{ ...dependency, why: `is inside ${relative(folder, path) || path}${sep}, which the build context does not copy` }];
    }
    return [];
  });
}

function pathDependencies(project: string): PathDependency[] {
  try {
    return readCargoProject(project).pathDependencies;
  } catch (error) {
    if (error instanceof CargoProjectError) return [];
    throw error;
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
