// `project:` of the matrix file: the project under test. The string form `project: DIR` is the
// dlmatrix probe crate (or any crate exporting `dlmatrix_probe`); the mapping form describes a
// user's own project: how to build it, which library it leaves, which entry to call. `fixture:`
// is its old name, still read (with a warning) so that existing matrix files keep working.
import fs from 'node:fs';
import path from 'node:path';
import { isMap, type Node, type Pair, type YAMLMap } from 'yaml';
import type { EntryKind, ProjectConfig } from './types.ts';
import type { YamlReader } from './yaml-reader.ts';

export const DEFAULT_BUILD = 'cargo build --release';
export const PROBE_ENTRY = 'dlmatrix_probe';
const PROJECT_KEYS = ['path', 'build', 'library', 'entry', 'entry-returns', 'promote-feature'];
/** A C identifier: what dlsym() can look up and a linker can name. */
const SYMBOL = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** A Cargo feature name (letters, digits, `_`, `-`, `+`, `.`; `/` for dependency features). */
const FEATURE = /^[A-Za-z0-9_][A-Za-z0-9_+.\-/]*$/;
const EXAMPLE = 'e.g. `project: {path: my-workspace, entry: pytest}`';
/** The top-level key and its deprecated alias. */
export const PROJECT_KEY = 'project';
export const OLD_PROJECT_KEY = 'fixture';

/**
 * Reads `project:` (or its old name `fixture:`) from the top-level pairs. `key` names the key as
 * written, so that every message points at words the user can find in the file.
 */
export function readProject(r: YamlReader, root: YAMLMap, top: Map<string, Pair>, dir: string): ProjectConfig {
  const project: ProjectConfig = { dir, build: DEFAULT_BUILD, entry: PROBE_ENTRY, entryKind: 'probe' };
  const current = top.get(PROJECT_KEY);
  const old = top.get(OLD_PROJECT_KEY);
  if (current && old) {
    r.error(old, '`fixture` and `project` are both given: `fixture` is the old name of `project`', 'keep one: remove `fixture:` (its settings belong under `project:`)');
  } else if (old) {
    r.warn(old, '`fixture` is the old name of `project`', 'rename `fixture:` to `project:`; the old name will stop working in a later release');
  }
  const pair = current ?? old;
  const key = old && !current ? OLD_PROJECT_KEY : PROJECT_KEY;
  if (pair === undefined) {
    r.error(root, 'missing required key `project`', `add \`project: <folder of the PyO3 crate>\`, relative to this file, or ${EXAMPLE}`);
    return project;
  }
  const node = r.value(pair);
  project.entryAt = r.pos(node ?? pair);
  if (!isMap(node)) {
    const text = r.scalarText(node, `\`${key}\``, r.keyNode(pair));
    if (text !== undefined) project.dir = projectDir(r, node!, text, dir, key);
    return project;
  }

  const pairs = r.pairs(node, PROJECT_KEYS, `\`${key}\` key`);
  const text = (name: string): { text: string; node: Node } | undefined => {
    const p = pairs.get(name);
    if (!p) return undefined;
    const value = r.value(p);
    const t = r.scalarText(value, `\`${key}.${name}\``, r.keyNode(p));
    return t === undefined ? undefined : { text: t, node: value! };
  };

  const where = text('path');
  if (!pairs.has('path')) r.error(node, `\`${key}\` has no \`path\``, `add \`path:\` with the project's folder, relative to this file; ${EXAMPLE}`);
  else if (where) project.dir = projectDir(r, where.node, where.text, dir, key);

  const build = text('build');
  if (build && build.text.trim() === '') r.error(build.node, `\`${key}.build\` is empty`, `leave it out for \`${DEFAULT_BUILD}\``);
  else if (build) project.build = build.text.trim();

  const library = text('library');
  if (library) {
    if (path.isAbsolute(library.text) || library.text.split('/').includes('..')) {
      r.error(library.node, `\`${key}.library\` must be a path inside the project, not "${library.text}"`, 'e.g. `library: target/release/libmylib.so`');
    } else if (!/\.so(\.\d+)*$/.test(library.text)) {
      r.error(library.node, `\`${key}.library\` "${library.text}" is not a shared library (.so)`, 'point at the cdylib the build leaves, e.g. target/release/libmylib.so');
    } else project.library = library.text;
  }

  const entry = text('entry');
  if (entry && !SYMBOL.test(entry.text)) {
    r.error(entry.node, `\`${key}.entry\` "${entry.text}" is not a C symbol name`, 'write the name of an exported `extern "C" fn`, e.g. `entry: pytest`');
  } else if (entry) {
    project.entry = entry.text;
    project.entryAt = r.pos(entry.node);
    project.entryKind = entry.text === PROBE_ENTRY ? 'probe' : 'void';
  }

  const returns = text('entry-returns');
  if (returns) {
    if (returns.text !== 'int' && returns.text !== 'void') {
      r.error(returns.node, `\`${key}.entry-returns\` must be int or void, not "${returns.text}"`, 'int: the entry is `int f(void)` and non-zero means failure');
    } else if (project.entryKind === 'probe') {
      r.error(returns.node, '`entry-returns` applies to your own `entry`, not to the dlmatrix probe', 'add `entry: <your exported function>`, or remove `entry-returns`');
    } else project.entryKind = returns.text as EntryKind;
  }

  const feature = text('promote-feature');
  if (feature && !FEATURE.test(feature.text)) {
    r.error(feature.node, `\`${key}.promote-feature\` "${feature.text}" is not a Cargo feature name`, 'e.g. `promote-feature: fix-libpython`');
  } else if (feature) project.promoteFeature = feature.text;
  return project;
}

/** The project folder: it must exist and hold a Cargo.toml. */
function projectDir(r: YamlReader, node: Node, text: string, base: string, key: string): string {
  const dir = path.resolve(base, text);
  const where = `it resolved to ${dir}; paths are relative to the matrix file's folder`;
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dir);
  } catch {
    r.error(node, `${key} folder "${text}" does not exist`, where);
    return dir;
  }
  if (!stat.isDirectory()) {
    r.error(node, `${key} "${text}" is not a folder`, `point at the folder that contains Cargo.toml (${where})`);
  } else if (!fs.existsSync(path.join(dir, 'Cargo.toml'))) {
    r.error(node, `${key} folder "${text}" has no Cargo.toml`, `point at the Cargo package or workspace (${where})`);
  }
  return dir;
}
