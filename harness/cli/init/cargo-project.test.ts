import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InitError, readCargoProject } from './cargo-project.ts';

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'dlmatrix-cargo-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe('readCargoProject', () => {
  it('a workspace: member globs and exclude, inherited pyo3 requirement, Cargo.lock version, bins', () => {
    const root = tree({
      'Cargo.toml': '[workspace]\nmembers = ["crates/*", "tools/host"]\nexclude = ["crates/old"]\n[workspace.dependencies]\npyo3 = { version = "0.23.1" }\n',
      'crates/core-lib/Cargo.toml': '[package]\nname = "core-lib"\n[lib]\ncrate-type = ["cdylib"]\n[features]\nfast = []\n[dependencies]\npyo3.workspace = true\n',
      'crates/core-lib/src/lib.rs': '',
      'crates/old/Cargo.toml': '[package]\nname = "old"\n',
      'crates/notes/README': 'not a crate',
      'tools/host/Cargo.toml': '[package]\nname = "host"\n[[bin]]\nname = "runner"\npath = "src/run.rs"\n[dependencies]\nlibloading = "0.8"\n',
      'tools/host/src/run.rs': 'fn main() {}',
      'tools/host/src/bin/extra.rs': 'fn main() {}',
      'Cargo.lock': 'version = 3\n\n[[package]]\nname = "libc"\nversion = "0.2.1"\n\n[[package]]\nname = "pyo3"\nversion = "0.23.4"\n',
    });
    const project = readCargoProject(root);
    expect(project.isWorkspace).toBe(true);
    expect(project.lockedPyo3).toBe('0.23.4');
    expect(project.packages.map((p) => p.dir)).toEqual(['crates/core-lib', 'tools/host']);
    const [lib, host] = project.packages;
    expect(lib).toMatchObject({ name: 'core-lib', libName: 'core_lib', crateTypes: ['cdylib'], features: ['fast'], pyo3Requirement: '0.23.1' });
    expect(host.bins).toEqual([
      { name: 'runner', path: 'tools/host/src/run.rs' },
      { name: 'extra', path: 'tools/host/src/bin/extra.rs' },
    ]);
    expect(host.dependencies).toEqual(['libloading']);
  });

  it('a single package with a [lib] name and a plain pyo3 requirement', () => {
    const root = tree({ 'Cargo.toml': '[package]\nname = "my-ext"\n[lib]\nname = "myext"\ncrate-type = ["cdylib", "rlib"]\n[dependencies]\npyo3 = "^0.20"\n' });
    const project = readCargoProject(root);
    expect(project.isWorkspace).toBe(false);
    expect(project.lockedPyo3).toBeUndefined();
    expect(project.packages).toMatchObject([{ name: 'my-ext', dir: '.', libName: 'myext', pyo3Requirement: '^0.20', bins: [] }]);
  });

  it('errors name the file and what to do: no Cargo.toml, bad TOML (with line), a workspace member', () => {
    expect(() => readCargoProject(tree({ 'README.md': '' }))).toThrow(/no Cargo\.toml in .*: run `dlmatrix init` in the folder of your Cargo package or workspace/);
    const bad = tree({ 'Cargo.toml': '[package]\nname = "x"\nversion = 0.1.0"\n' });
    expect(() => readCargoProject(bad)).toThrow(InitError);
    expect(() => readCargoProject(bad)).toThrow(new RegExp(`${join(bad, 'Cargo.toml')}:3:\\d+: `));
    const ws = tree({ 'Cargo.toml': '[workspace]\nmembers = ["libs/*"]\n', 'libs/a/Cargo.toml': '[package]\nname = "a"\n' });
    expect(() => readCargoProject(join(ws, 'libs', 'a'))).toThrow(`is a member of the Cargo workspace in ${ws}: run \`dlmatrix init\` there`);
  });
});
