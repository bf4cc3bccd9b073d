// Workspace `members` are globs as Cargo expands them (the glob crate): `*` any run of characters
// within one path component, `?` one character, `[abc]` / `[!abc]` a class, `**` any number of
// folders. Only folders count. One expansion for every reader of a workspace.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const GLOB_CHARS = /[*?[]/;

export const isGlob = (pattern: string): boolean => GLOB_CHARS.test(pattern);

/** Folders under `root` matching `pattern`, relative to root with `/`, sorted; a literal pattern is returned as written (normalized). */
export function expandMemberGlob(root: string, pattern: string): string[] {
  const parts = pattern.split('/').filter((part) => part !== '' && part !== '.');
  let found = [''];
  for (const part of parts) {
    if (part === '**') {
      found = found.flatMap((dir) => [dir, ...subfolders(root, dir, true)]);
    } else if (isGlob(part)) {
      const re = componentRegex(part);
      found = found.flatMap((dir) => subfolders(root, dir, false).filter((sub) => re.test(sub.slice(sub.lastIndexOf('/') + 1))));
    } else {
      found = found.map((dir) => (dir ? `${dir}/${part}` : part));
    }
  }
  const unique = [...new Set(found.map((dir) => dir || '.'))];
  return isGlob(pattern) ? unique.filter((dir) => isFolder(join(root, dir))).sort() : unique;
}

function subfolders(root: string, dir: string, recursive: boolean): string[] {
  let names: string[];
  try {
    names = readdirSync(join(root, dir)).sort();
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    const rel = dir ? `${dir}/${name}` : name;
    if (!isFolder(join(root, rel))) return [];
    return recursive ? [rel, ...subfolders(root, rel, true)] : [rel];
  });
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** One path component's glob as a regular expression. */
function componentRegex(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') source += '.*';
    else if (c === '?') source += '.';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end === -1) {
        source += '\\[';
        continue;
      }
      const body = glob.slice(i + 1, end);
      source += body.startsWith('!') ? `[^${escapeClass(body.slice(1))}]` : `[${escapeClass(body)}]`;
      i = end;
    } else source += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

const escapeClass = (body: string) => body.replace(/[\\\]^]/g, '\\$&');
