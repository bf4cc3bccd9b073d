// The one Cargo reader: members as Cargo finds them (globs of every kind, exclude, path
// dependencies inside the workspace), packages with workspace inheritance, path dependencies with
// their line, and Cargo.lock closures.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dependencyClosure, readCargoLock } from './cargo-lock.ts';
import { CargoProjectError, enclosingWorkspace, readCargoProject } from './cargo-project.ts';
import { expandMemberGlob } from './member-globs.ts';

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'dlmatrix-cargo-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const pkg = (name: string, extra = '') => `[package]\nname = "${name}"\nversion = "0.1.0"\n${extra}`;

describe('workspace members', () => {
  it('expands globs as Cargo does (*, ?, [..], **), only folders, and honours exclude unless a literal member names it', () => {
    const root = tree({
      'Cargo.toml': '[workspace]\nmembers = ["plugins/py-*", "tools/t?", "libs/[ab]x", "deep/**/crate", "kept/old"]\nexclude = ["plugins/py-old", "kept"]\n',
      'plugins/py-new/Cargo.toml': pkg('py-new'),
      'plugins/py-old/Cargo.toml': pkg('py-old'),
      'plugins/rs-x/Cargo.toml': pkg('rs-x'),
      'plugins/py-file': 'not a folder',
      'tools/t1/Cargo.toml': pkg('t1'),
      'tools/t10/Cargo.toml': pkg('t10'),
      'libs/ax/Cargo.toml': pkg('ax'),
      'libs/cx/Cargo.toml': pkg('cx'),
      'deep/crate/Cargo.toml': pkg('deep0'),
      'deep/a/b/crate/Cargo.toml': pkg('deep2'),
      'kept/old/Cargo.toml': pkg('old'),
      'notes/README': '',
    });
    expect(readCargoProject(root).packages.map((p) => p.dir)).toEqual(['deep/a/b/crate', 'deep/crate', 'kept/old', 'libs/ax', 'plugins/py-new', 'tools/t1']);
    expect(expandMemberGlob(root, 'plugins/*')).toEqual(['plugins/py-new', 'plugins/py-old', 'plugins/rs-x']);
  });

  it('makes path dependencies inside the workspace members too, unless excluded, and the root package first', () => {
    const root = tree({
      'Cargo.toml': `${pkg('app', '[dependencies]\nshared = { path = "shared" }\nold = { path = "old" }\n')}[workspace]\nexclude = ["old"]\n`,
      'shared/Cargo.toml': pkg('shared'),
      'old/Cargo.toml': pkg('old'),
    });
    expect(readCargoProject(root).packages.map((p) => p.dir)).toEqual(['.']);
    const ws = tree({
      'Cargo.toml': '[workspace]\nmembers = ["app"]\nexclude = ["old"]\n',
      'app/Cargo.toml': pkg('app', '[dependencies]\nshared = { path = "../shared" }\nold = { path = "../old" }\n'),
      'shared/Cargo.toml': pkg('shared'),
      'old/Cargo.toml': pkg('old'),
    });
    expect(readCargoProject(ws).packages.map((p) => p.dir)).toEqual(['app', 'shared']);
  });

  it('a literal member without Cargo.toml is an error naming the workspace manifest', () => {
    const root = tree({ 'Cargo.toml': '[workspace]\nmembers = ["missing"]\n' });
    expect(() => readCargoProject(root)).toThrow(new CargoProjectError(`${join(root, 'Cargo.toml')}: workspace member missing has no Cargo.toml`));
  });

  it('finds the workspace a package belongs to by its members, not its folder alone', () => {
    const root = tree({ 'Cargo.toml': '[workspace]\nmembers = ["libs/*"]\nexclude = ["libs/b"]\n', 'libs/a/Cargo.toml': pkg('a'), 'libs/b/Cargo.toml': pkg('b') });
    expect(enclosingWorkspace(join(root, 'libs', 'a'))).toBe(root);
    expect(enclosingWorkspace(join(root, 'libs', 'b'))).toBeUndefined();
  });
});

describe('packages', () => {
  it('reads targets, features, dependencies, edition and rust-version with workspace inheritance', () => {
    const root = tree({
      'Cargo.toml': '[workspace]\nmembers = ["lib", "host"]\n[workspace.package]\nedition = "2024"\nrust-version = "1.85"\n[workspace.dependencies]\npyo3 = { version = "0.30.1", features = ["auto-initialize"] }\n',
      'lib/Cargo.toml': pkg('my-lib', 'edition.workspace = true\nrust-version.workspace = true\n[lib]\ncrate-type = ["cdylib"]\n[features]\nfix = ["dep:fixer"]\n[dependencies]\npyo3 = { workspace = true, features = ["abi3"] }\nfixer = { path = "../fixer", optional = true }\n'),
      'fixer/Cargo.toml': pkg('fixer'),
      'host/Cargo.toml': pkg('host', 'build = "link.rs"\n[[bin]]\nname = "runner"\npath = "src/run.rs"\n[target.\'cfg(unix)\'.dependencies]\ndl = { package = "dlopen2", version = "0.9" }\n'),
      'host/src/run.rs': 'fn main() {}',
      'host/src/bin/extra/main.rs': 'fn main() {}',
      'host/src/main.rs': 'fn main() {}',
    });
    const project = readCargoProject(root);
    expect(project.packages.map((p) => p.dir)).toEqual(['fixer', 'host', 'lib']);
    const [fixer, host, lib] = project.packages;
    expect(fixer!.edition).toBe('2015');
    expect(fixer).not.toHaveProperty('rustVersion');
    expect(lib).toMatchObject({ name: 'my-lib', libName: 'my_lib', edition: '2024', rustVersion: '1.85', crateTypes: ['cdylib'], features: { fix: ['dep:fixer'] } });
    expect(lib!.dependencies).toEqual([
      { name: 'pyo3', package: 'pyo3', kind: 'normal', version: '0.30.1', optional: false, features: ['auto-initialize', 'abi3'] },
      { name: 'fixer', package: 'fixer', kind: 'normal', path: '../fixer', optional: true, features: [] },
    ]);
    expect(host!.bins).toEqual([
      { name: 'runner', path: 'host/src/run.rs' },
      { name: 'host', path: 'host/src/main.rs' },
      { name: 'extra', path: 'host/src/bin/extra/main.rs' },
    ]);
    expect(host!.buildScript).toBe('host/link.rs');
    expect(host!.dependencies).toEqual([{ name: 'dl', package: 'dlopen2', kind: 'normal', version: '0.9', optional: false, features: [] }]);
  });

  it('names the file, line and column of a broken manifest', () => {
    const root = tree({ 'Cargo.toml': '[package]\nname = "x"\nversion = 0.1.0"\n' });
    expect(() => readCargoProject(root)).toThrow(new RegExp(`^${join(root, 'Cargo.toml')}:3:\\d+: `));
  });
});

describe('path dependencies', () => {
  it('from every kind of table, the workspace and [patch], transitively outside the project, each with its line', () => {
    const root = tree({
      'ws/Cargo.toml': '[workspace]\nmembers = ["lib"]\n[workspace.dependencies]\ne = { path = "crates/e" }\n[patch.crates-io]\nf = { path = "../f" }\n',
      'ws/crates/e/Cargo.toml': pkg('e'),
      'ws/lib/Cargo.toml': pkg('lib', '[lib]\npath = "src/other.rs"\n[dependencies]\na = { path = "../../a", optional = true }\npyo3 = "0.22"\n[dependencies.b]\npath = "../../b"\n[dev-dependencies]\nc = { path = "../../c" }\n[target.\'cfg(unix)\'.build-dependencies]\nd = { path = "../../nowhere" }\n'),
      'a/Cargo.toml': pkg('a', '[dependencies]\nutil = { path = "../util" }\n'),
      'b/Cargo.toml': pkg('b'),
      'c/Cargo.toml': pkg('c'),
      'f/Cargo.toml': pkg('f'),
      'util/Cargo.toml': pkg('util'),
    });
    const found = readCargoProject(join(root, 'ws')).pathDependencies.map((d) => [d.name, d.manifest.slice(root.length + 1), d.line, d.target.slice(root.length + 1), d.exists]);
    expect(found).toEqual([
      ['e', 'ws/Cargo.toml', 4, 'ws/crates/e', true],
      ['f', 'ws/Cargo.toml', 6, 'f', true],
      ['a', 'ws/lib/Cargo.toml', 7, 'a', true],
      ['b', 'ws/lib/Cargo.toml', 10, 'b', true],
      ['c', 'ws/lib/Cargo.toml', 12, 'c', true],
      ['d', 'ws/lib/Cargo.toml', 14, 'nowhere', false],
      ['util', 'a/Cargo.toml', 5, 'util', true],
    ]);
  });
});

describe('Cargo.lock', () => {
  it('reads its version and the closure of packages a build compiles', () => {
    const root = tree({
      'Cargo.lock':
        'version = 4\n\n[[package]]\nname = "app"\nversion = "0.1.0"\ndependencies = ["pyo3", "libc 0.2.1"]\n\n[[package]]\nname = "pyo3"\nversion = "0.30.1"\nsource = "registry+https://github.com/rust-lang/crates.io-index"\ndependencies = ["pyo3-ffi"]\n\n' +
        '[[package]]\nname = "pyo3-ffi"\nversion = "0.30.1"\nsource = "registry+https://github.com/rust-lang/crates.io-index"\n\n[[package]]\nname = "libc"\nversion = "0.2.1"\n\n[[package]]\nname = "libc"\nversion = "0.2.9"\n\n[[package]]\nname = "other"\nversion = "1.0.0"\n',
    });
    const lock = readCargoLock(root)!;
    expect(lock.version).toBe(4);
    expect(dependencyClosure(lock, ['app']).map((p) => `${p.name} ${p.version}`).sort()).toEqual(['app 0.1.0', 'libc 0.2.1', 'pyo3 0.30.1', 'pyo3-ffi 0.30.1']);
    expect(readCargoLock(tree({ 'Cargo.toml': '' }))).toBeUndefined();
  });
});
