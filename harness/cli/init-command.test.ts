// `dlmatrix init` on small Cargo projects, its matrix.yaml read back with the yaml package.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureOutput } from '../test-support/capture-output.ts';
import { parse } from 'yaml';
import { main } from './main.ts';

const output = captureOutput();

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'dlmatrix-init-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

async function init(root: string, ...args: string[]) {
  const code = await main(['init', '--dir', root, ...args]);
  return { code, text: code === 0 ? readFileSync(join(root, 'matrix.yaml'), 'utf8') : '' };
}

// Like the public reproducer of the RTLD_LOCAL bug: a cdylib exporting `pytest`, a host that opens
// it with libloading, and a second binary linked against it.
const REPRODUCER = {
  'Cargo.toml': '[workspace]\nresolver = "2"\nmembers = ["pylib", "host", "app"]\n\n[workspace.dependencies]\npyo3 = { version = "0.22", features = ["auto-initialize"] }\n',
  'Cargo.lock': '# generated\nversion = 3\n\n[[package]]\nname = "pyo3"\nversion = "0.22.6"\n',
  'pylib/Cargo.toml': '[package]\nname = "pylib"\nversion = "0.1.0"\n\n[lib]\ncrate-type = ["cdylib", "rlib"]\n\n[features]\nglobal-libpython = []\n\n[dependencies]\npyo3 = { workspace = true }\n',
  'pylib/src/lib.rs': 'use pyo3::prelude::*;\n\n#[no_mangle]\npub extern "C" fn pytest() {\n    Python::with_gil(|py| { py.import_bound("numpy").unwrap(); });\n}\n\n#[no_mangle]\npub extern "C" fn add(a: i32) -> i32 { a }\n',
  'host/Cargo.toml': '[package]\nname = "host"\nversion = "0.1.0"\n\n[dependencies]\nlibloading = "0.8"\n',
  'host/src/main.rs': 'fn main() {\n    let lib = unsafe { libloading::Library::new("libpylib.so") }.unwrap();\n    let f: libloading::Symbol<extern "C" fn()> = unsafe { lib.get(b"pytest") }.unwrap();\n    f();\n}\n',
  'app/Cargo.toml': '[package]\nname = "app"\nversion = "0.1.0"\n\n[dependencies]\npylib = { path = "../pylib" }\n',
  'app/src/main.rs': 'fn main() { pylib::pytest(); }\n',
};

describe('dlmatrix init', () => {
  it('a workspace like the reproducer: -p build, entry pytest, every distro for PyO3 0.22, promote, host as a commented loader', async () => {
    const root = tree(REPRODUCER);
    const { code, text } = await init(root);
    expect(code, output.stderr).toBe(0);
    const matrix = parse(text);
    expect(matrix.project).toEqual({
      path: '.',
      build: 'cargo build --release -p pylib',
      library: 'target/release/libpylib.so',
      entry: 'pytest',
      'promote-feature': 'global-libpython',
    });
    expect(matrix.imports).toEqual(['numpy']);
    expect(matrix.matrix).toEqual({
      distro: ['bullseye', 'bookworm', 'trixie', 'forky'],
      python: ['system'],
      numpy: ['system', 'latest'],
      loader: ['c', 'rust'],
      flags: ['RTLD_LOCAL|RTLD_NOW', 'RTLD_GLOBAL|RTLD_NOW'],
      mitigation: ['none', 'preload', 'promote'],
    });
    expect(matrix.expect).toEqual([{ when: { flags: 'RTLD_LOCAL*', mitigation: 'none' }, outcome: 'undefined-symbol' }, { outcome: 'loaded' }]);
    // The host is suggested, commented out (its command line is a guess); the linked app is explained.
    expect(matrix.loaders).toBeUndefined();
    expect(text).toMatch(/^# {3}host: +# host\/src\/main\.rs uses libloading$/m);
    expect(text).toContain('#     build: cargo build --release -p host --bin host');
    expect(text).toMatch(/^# app \(app\/src\/main\.rs\) links pylib at build time: not a dlopen\(\) loader/m);
    expect(text).toContain('PyO3 0.22.6 (from Cargo.lock) supports CPython 3.7 to 3.13');
    expect(text).toMatch(/#\s+pytest\s+\(pylib\/src\/lib\.rs:4\)/);
    expect(text).not.toMatch(/\badd\b.*lib\.rs/);
    expect(output.stdout).toContain('wrote ');
    expect(output.stdout).toMatch(/next: cd .* && npx dlmatrix plan/);
    // Uncommenting the suggestion gives a loader the matrix can name.
    const uncommented = parse(text.replace(/^# (loaders:|  host:|    build:|    run:)/gm, '$1'));
    expect(uncommented.loaders.host).toEqual({ build: 'cargo build --release -p host --bin host', run: ['./target/release/host', '{library}', '{flags}'] });
  });

  it('a single crate on PyO3 0.20 from Cargo.toml: only distros with Python <= 3.12, int entry, no promote feature', async () => {
    const root = tree({
      'Cargo.toml': '[package]\nname = "embed-py"\nversion = "0.1.0"\n\n[lib]\ncrate-type = ["cdylib"]\n\n[features]\nfast = []\n\n[dependencies]\npyo3 = { version = "^0.20.3", features = ["auto-initialize"] }\n',
      'src/lib.rs': 'mod run;\n',
      'src/run.rs': 'use std::ffi::c_int;\n\n#[unsafe(no_mangle)]\npub extern "C" fn run_tests() -> c_int { 0 }\n',
    });
    const { code, text } = await init(root);
    expect(code, output.stderr).toBe(0);
    const matrix = parse(text);
    expect(matrix.project).toEqual({ path: '.', build: 'cargo build --release', library: 'target/release/libembed_py.so', entry: 'run_tests', 'entry-returns': 'int' });
    expect(matrix.matrix.distro).toEqual(['bullseye', 'bookworm']);
    expect(matrix.matrix.mitigation).toEqual(['none', 'preload']);
    expect(text).toContain('PyO3 0.20.3 (from Cargo.toml) supports CPython 3.7 to 3.12');
    expect(text).toContain('trixie 3.13 (left out)');
    expect(text).toMatch(/# promote-feature: .*no cargo feature of embed-py looks like an in-library fix \(its features: fast\)/);
    expect(text).not.toContain('loaders:');
  });

  it('refuses to overwrite matrix.yaml without --force', async () => {
    const root = tree({ ...REPRODUCER, 'matrix.yaml': 'project: mine\n' });
    expect((await init(root)).code).toBe(2);
    expect(output.stderr).toMatch(/matrix\.yaml already exists; run with --force to overwrite it/);
    expect(readFileSync(join(root, 'matrix.yaml'), 'utf8')).toBe('project: mine\n');
    const forced = await init(root, '--force');
    expect(forced.code).toBe(0);
    expect(parse(forced.text).project.entry).toBe('pytest');
  });

  it('exits 2 with what to do when there is no Cargo project or no cdylib', async () => {
    expect((await init(tree({ 'README.md': 'hi' }))).code).toBe(2);
    expect(output.stderr).toContain('no Cargo.toml in');
    output.stderr = '';
    expect((await init(tree({ 'Cargo.toml': '[package]\nname = "plain"\n', 'src/main.rs': 'fn main() {}' }))).code).toBe(2);
    expect(output.stderr).toContain('package plain does not build a cdylib: add `[lib] crate-type = ["cdylib"]`');
    output.stderr = '';
    expect((await init(tree({ 'Cargo.toml': '[workspace]\nmembers = ["a"]\n', 'a/Cargo.toml': '[package]\nname = "a"\n' }))).code).toBe(2);
    expect(output.stderr).toContain('no member of the workspace builds a cdylib');
  });

  it('without an exported entry it still writes the file, with the entry to add explained', async () => {
    const root = tree({ 'Cargo.toml': '[package]\nname = "noentry"\n[lib]\ncrate-type = ["cdylib"]\n[dependencies]\npyo3 = "0.27"\n', 'src/lib.rs': 'fn hidden() {}\n' });
    const { code, text } = await init(root);
    expect(code).toBe(0);
    expect(parse(text).project.entry).toBeUndefined();
    expect(text).toContain('# entry: my_entry   # none found');
    expect(output.stderr).toContain('exports no `#[no_mangle] pub extern "C" fn NAME()`');
  });
});
