// `fixture:` of the matrix file: the project under test. The string form `fixture: DIR` is the
// dlmatrix probe crate (or any crate exporting `dlmatrix_probe`); the mapping form describes a
// user's own project: how to build it, which library it leaves, which entry to call.
import fs from 'node:fs';
import path from 'node:path';
import { isMap, type Node, type Pair, type YAMLMap } from 'yaml';
import type { EntryKind, FixtureConfig } from './types.ts';
import type { YamlReader } from './yaml-reader.ts';

export const DEFAULT_BUILD = 'cargo build --release';
export const PROBE_ENTRY = 'dlmatrix_probe';
const FIXTURE_KEYS = ['path', 'build', 'library', 'entry', 'entry-returns', 'promote-feature'];
/** A C identifier: what dlsym() can look up and a linker can name. */
const SYMBOL = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** A Cargo feature name (letters, digits, `_`, `-`, `+`, `.`; `/` for dependency features). */
const FEATURE = /^[A-Za-z0-9_][A-Za-z0-9_+.\-/]*$/;
const EXAMPLE = 'e.g. `fixture: {path: my-workspace, entry: pytest}`';

export function readFixture(r: YamlReader, root: YAMLMap, pair: Pair | undefined, dir: string): FixtureConfig {
  const fixture: FixtureConfig = { dir, build: DEFAULT_BUILD, entry: PROBE_ENTRY, entryKind: 'probe' };
  if (pair === undefined) {
    r.error(root, 'missing required key `fixture`', `add \`fixture: <folder of the PyO3 crate>\`, relative to this file, or ${EXAMPLE}`);
    return fixture;
  }
  const node = r.value(pair);
  fixture.entryAt = r.pos(node ?? pair);
  if (!isMap(node)) {
    const text = r.scalarText(node, '`fixture`', r.keyNode(pair));
    if (text !== undefined) fixture.dir = projectDir(r, node!, text, dir);
    return fixture;
  }

  const pairs = r.pairs(node, FIXTURE_KEYS, '`fixture` key');
  const text = (key: string): { text: string; node: Node } | undefined => {
    const p = pairs.get(key);
    if (!p) return undefined;
    const value = r.value(p);
    const t = r.scalarText(value, `\`fixture.${key}\``, r.keyNode(p));
    return t === undefined ? undefined : { text: t, node: value! };
  };

  const where = text('path');
  if (!pairs.has('path')) r.error(node, '`fixture` has no `path`', `add \`path:\` with the project's folder, relative to this file; ${EXAMPLE}`);
  else if (where) fixture.dir = projectDir(r, where.node, where.text, dir);

  const build = text('build');
  if (build && build.text.trim() === '') r.error(build.node, '`fixture.build` is empty', `leave it out for \`${DEFAULT_BUILD}\``);
  else if (build) fixture.build = build.text.trim();

  const library = text('library');
  if (library) {
    if (path.isAbsolute(library.text) || library.text.split('/').includes('..')) {
      r.error(library.node, `\`fixture.library\` must be a path inside the project, not "${library.text}"`, 'e.g. `library: target/release/libmylib.so`');
    } else if (!/\.so(\.\d+)*$/.test(library.text)) {
      r.error(library.node, `\`fixture.library\` "${library.text}" is not a shared library (.so)`, 'point at the cdylib the build leaves, e.g. target/release/libmylib.so');
    } else fixture.library = library.text;
  }

  const entry = text('entry');
  if (entry && !SYMBOL.test(entry.text)) {
    r.error(entry.node, `\`fixture.entry\` "${entry.text}" is not a C symbol name`, 'write the name of an exported `extern "C" fn`, e.g. `entry: pytest`');
  } else if (entry) {
    fixture.entry = entry.text;
    fixture.entryAt = r.pos(entry.node);
    fixture.entryKind = entry.text === PROBE_ENTRY ? 'probe' : 'void';
  }

  const returns = text('entry-returns');
  if (returns) {
    if (returns.text !== 'int' && returns.text !== 'void') {
      r.error(returns.node, `\`fixture.entry-returns\` must be int or void, not "${returns.text}"`, 'int: the entry is `int f(void)` and non-zero means failure');
    } else if (fixture.entryKind === 'probe') {
      r.error(returns.node, '`entry-returns` applies to your own `entry`, not to the dlmatrix probe', 'add `entry: <your exported function>`, or remove `entry-returns`');
    } else fixture.entryKind = returns.text as EntryKind;
  }

  const feature = text('promote-feature');
  if (feature && !FEATURE.test(feature.text)) {
    r.error(feature.node, `\`fixture.promote-feature\` "${feature.text}" is not a Cargo feature name`, 'e.g. `promote-feature: fix-libpython`');
  } else if (feature) fixture.promoteFeature = feature.text;
  return fixture;
}

/** The project folder: it must exist and hold a Cargo.toml. */
function projectDir(r: YamlReader, node: Node, text: string, base: string): string {
  const dir = path.resolve(base, text);
  const where = `it resolved to ${dir}; paths are relative to the matrix file's folder`;
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dir);
  } catch {
    r.error(node, `fixture folder "${text}" does not exist`, where);
    return dir;
  }
  if (!stat.isDirectory()) {
    r.error(node, `fixture "${text}" is not a folder`, `point at the folder that contains Cargo.toml (${where})`);
  } else if (!fs.existsSync(path.join(dir, 'Cargo.toml'))) {
    r.error(node, `fixture folder "${text}" has no Cargo.toml`, `point at the Cargo package or workspace (${where})`);
  }
  return dir;
}
