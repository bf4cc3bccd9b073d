// `dlmatrix init` on small Cargo projects, its matrix.yaml read back with the yaml package and with
// dlmatrix's own matrix reader. The distros' facts come from a double of their toolchain images
// (the values the real bullseye/bookworm/trixie/forky toolchains report), and pyo3-ffi's build
// configuration from a registry copy in a temporary CARGO_HOME (the constants as those releases
// write them); init-distros.docker.test.ts reads the real toolchains.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadMatrix } from '../matrix/load.ts';
import { captureOutput } from '../test-support/capture-output.ts';
import { initCommand, type InitSources } from './init-command.ts';
import type { DistroFacts } from './init/distro-facts.ts';

const output = captureOutput();

function tree(files: Record<string, string>, root = mkdtempSync(join(tmpdir(), 'dlmatrix-init-'))): string {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

// What the real toolchain images of the default distros report (python.version, cargo).
const TOOLCHAINS: DistroFacts[] = [
  { distro: 'bullseye', status: 'ready', python: '3.9.2', cargo: '1.78.0' },
  { distro: 'bookworm', status: 'ready', python: '3.11.2', cargo: '1.85.0' },
  { distro: 'trixie', status: 'ready', python: '3.13.5', cargo: '1.96.0' },
  { distro: 'forky', status: 'ready', python: '3.14.8', cargo: '1.97.1' },
];
const SOURCES: InitSources = { distros: async () => TOOLCHAINS, fetch: undefined };

// pyo3-ffi's supported range, written as each release writes it.
const FFI_0_22 =
  'const SUPPORTED_VERSIONS_CPYTHON: SupportedVersions = SupportedVersions {\n    min: PythonVersion { major: 3, minor: 7 },\n    max: PythonVersion {\n        major: 3,\n        minor: 13,\n    },\n};\n';
const FFI_0_30 =
  'const PY_3_9: PythonVersion = PythonVersion { major: 3, minor: 9 };\nconst PY_3_15: PythonVersion = PythonVersion {\n    major: 3,\n    minor: 15,\n};\n\n' +
  'const SUPPORTED_VERSIONS_CPYTHON: SupportedVersions = SupportedVersions {\n    min: PY_3_9,\n    max: PY_3_15,\n};\n';
const REGISTRY = 'registry+https://github.com/rust-lang/crates.io-index';

let cargoHome: string;
const savedCargoHome = process.env.CARGO_HOME;
beforeAll(() => {
  cargoHome = mkdtempSync(join(tmpdir(), 'dlmatrix-cargo-home-'));
  const src = 'registry/src/index.crates.io-1949cf8c6b5b557f';
  tree(
    {
      [`${src}/pyo3-ffi-0.22.6/Cargo.toml`]: '[package]\nname = "pyo3-ffi"\nversion = "0.22.6"\nrust-version = "1.63"\n',
      [`${src}/pyo3-ffi-0.22.6/build.rs`]: FFI_0_22,
      [`${src}/pyo3-ffi-0.30.1/Cargo.toml`]: '[package]\nname = "pyo3-ffi"\nversion = "0.30.1"\nedition = "2024"\nrust-version = "1.85"\n',
      [`${src}/pyo3-ffi-0.30.1/build.rs`]: FFI_0_30,
      [`${src}/pyo3-0.30.1/Cargo.toml`]: '[package]\nname = "pyo3"\nversion = "0.30.1"\nedition = "2024"\nrust-version = "1.85"\n',
      [`${src}/dlopen2-0.9.0/Cargo.toml`]: '[package]\nname = "dlopen2"\nversion = "0.9.0"\nrust-version = "1.85"\n',
    },
    cargoHome,
  );
  process.env.CARGO_HOME = cargoHome;
});
afterAll(() => {
  if (savedCargoHome === undefined) delete process.env.CARGO_HOME;
  else process.env.CARGO_HOME = savedCargoHome;
});

async function init(root: string, ...args: string[]) {
  const code = await initCommand(['--dir', root, ...args], SOURCES);
  return { code, text: code === 0 ? readFileSync(join(root, 'matrix.yaml'), 'utf8') : '' };
}

const lock = (...packages: Array<[name: string, version: string, deps?: string[], registry?: boolean]>) =>
  `version = 4\n\n${packages
    .map(([name, version, deps = [], registry = true]) => `[[package]]\nname = "${name}"\nversion = "${version}"\n${registry ? `source = "${REGISTRY}"\n` : ''}${deps.length ? `dependencies = [${deps.map((d) => `"${d}"`).join(', ')}]\n` : ''}`)
    .join('\n')}`;

// Shaped like the public reproducer of PyO3 issue #4000: a plugin crate on PyO3 0.30, a host that
// dlopen()s it with dlopen2's defaults from a path written in its code, and a host linked to it
// through its build script.
const PYO3_4000 = {
  'Cargo.toml': '[workspace]\nresolver = "3"\nmembers = ["plugin", "hosts/*"]\nexclude = ["hosts/old"]\n\n[workspace.package]\nedition = "2024"\n',
  'Cargo.lock': lock(['plugin', '0.1.0', ['pyo3'], false], ['pyo3', '0.30.1', ['pyo3-ffi']], ['pyo3-ffi', '0.30.1'], ['dl-host', '0.1.0', ['dlopen2'], false], ['dlopen2', '0.9.0'], ['linked-host', '0.1.0', [], false]),
  'plugin/Cargo.toml': '[package]\nname = "plugin"\nversion = "0.1.0"\nedition.workspace = true\n\n[lib]\ncrate-type = ["cdylib"]\n\n[dependencies]\npyo3 = { version = "0.30", features = ["auto-initialize"] }\n',
  'plugin/src/lib.rs': 'use pyo3::prelude::*;\n\n#[unsafe(no_mangle)]\npub extern "C" fn run() {\n    Python::attach(|py| match py.import("numpy") {\n        Ok(_) => println!("ok"),\n        Err(e) => println!("error: {e}"),\n    });\n}\n',
  'hosts/dl-host/Cargo.toml': '[package]\nname = "dl-host"\nversion = "0.1.0"\nedition.workspace = true\n\n[dependencies]\ndlopen2 = "0.9"\n',
  'hosts/dl-host/src/main.rs':
    'use dlopen2::raw::Library;\n\nfn main() {\n    // opens the plugin the way the reproducer does: a fixed path, dlopen2\'s default flags\n    let lib = Library::open("./target/debug/libplugin.so").expect("open");\n    let run: unsafe extern "C" fn() = unsafe { lib.symbol("run") }.expect("run");\n    unsafe { run() };\n}\n',
  'hosts/linked-host/Cargo.toml': '[package]\nname = "linked-host"\nversion = "0.1.0"\nedition.workspace = true\nbuild = "build.rs"\n',
  'hosts/linked-host/build.rs': 'fn main() {\n    println!("cargo:rustc-link-search=native=target/debug");\n    println!("cargo:rustc-link-lib=dylib=plugin");\n}\n',
  'hosts/linked-host/src/main.rs': 'unsafe extern "C" {\n    fn run();\n}\n\nfn main() {\n    unsafe { run() };\n}\n',
  'hosts/old/Cargo.toml': 'this is not read: the workspace excludes it',
};

describe('dlmatrix init', () => {
  it('a PyO3#4000-shaped workspace: debug build for the host that opens target/debug, its flags own, the linked host, distros from the toolchains', async () => {
    const root = tree(PYO3_4000);
    const { code, text } = await init(root);
    expect(code, output.stderr).toBe(0);
    const matrix = parse(text);
    expect(matrix.project).toEqual({ path: '.', build: 'cargo build -p plugin', library: 'target/debug/libplugin.so', entry: 'run' });
    expect(matrix.loaders).toEqual({
      'dl-host': { build: 'cargo build -p dl-host --bin dl-host', run: ['./target/debug/dl-host'] },
      'linked-host': { build: 'cargo build -p linked-host --bin linked-host', run: ['./target/debug/linked-host'], env: { LD_LIBRARY_PATH: 'target/debug' } },
    });
    expect(matrix.matrix).toEqual({
      distro: ['bookworm', 'trixie', 'forky'],
      python: ['system'],
      numpy: ['system', 'latest'],
      loader: ['c', 'rust', 'dl-host', 'linked-host'],
      flags: ['RTLD_LOCAL|RTLD_NOW', 'RTLD_GLOBAL|RTLD_NOW'],
      mitigation: ['none', 'preload'],
    });
    expect(matrix.expect).toEqual([
      { when: { loader: 'linked-host' }, outcome: 'loaded' },
      { when: { loader: 'dl-host', mitigation: 'none' }, outcome: 'undefined-symbol' },
      { when: { flags: 'RTLD_LOCAL*', mitigation: 'none' }, outcome: 'undefined-symbol' },
      { outcome: 'loaded' },
    ]);
    expect(text).toContain('PyO3 0.30.1 (pyo3-ffi 0.30.1, from Cargo.lock) builds against CPython 3.9 to 3.15');
    expect(text).toMatch(/bullseye: Python 3\.9\.2, cargo 1\.78\.0; left out: its cargo 1\.78\.0 cannot build plugin: (\S+ is edition 2024|pyo3 0\.30\.1 has rust-version 1\.85|dlopen2 0\.9\.0 has rust-version 1\.85) \(needs 1\.85(\.0)?\)\n/);
    expect(text).toContain('forky: Python 3.14.8, cargo 1.97.1\n');
    expect(text).toMatch(/dl-host: +# hosts\/dl-host\/src\/main\.rs opens \.\/target\/debug\/libplugin\.so \(written in its code\) with dlopen2 and its default flags \(RTLD_LAZY\|RTLD_LOCAL\)/);
    expect(text).toMatch(/linked-host: +# hosts\/linked-host\/src\/main\.rs links the library at build time through its build script/);
    // dlmatrix's own reader takes it as it is: no warnings, the hosts' cells are `own` flags.
    const { config, warnings } = loadMatrix(join(root, 'matrix.yaml'));
    expect(warnings).toEqual([]);
    expect(config.loaders['dl-host']!.usesFlags).toBe(false);
    expect(output.stdout).toContain('left out: bullseye (its cargo 1.78.0 cannot build plugin');
  });

  it('a cargo-new plugin (edition 2024) with a C host: bullseye left out for the edition, the C host as a commented stub', async () => {
    const root = tree({
      'Cargo.toml': '[package]\nname = "myplugin"\nversion = "0.1.0"\nedition = "2024"\n\n[lib]\ncrate-type = ["cdylib"]\n\n[dependencies]\npyo3 = { version = "0.30.1", features = ["auto-initialize"] }\n',
      'Cargo.lock': lock(['myplugin', '0.1.0', ['pyo3'], false], ['pyo3', '0.30.1', ['pyo3-ffi']], ['pyo3-ffi', '0.30.1']),
      'src/lib.rs': '#[unsafe(no_mangle)]\npub extern "C" fn myplugin_init() {}\n',
      'host/main.c': '#include <dlfcn.h>\nint main(int argc, char **argv) { void *h = dlopen(argv[1], RTLD_NOW); return h == 0; }\n',
    });
    const { code, text } = await init(root);
    expect(code, output.stderr).toBe(0);
    const matrix = parse(text);
    expect(matrix.project).toEqual({ path: '.', build: 'cargo build --release', library: 'target/release/libmyplugin.so', entry: 'myplugin_init' });
    expect(matrix.matrix.distro).toEqual(['bookworm', 'trixie', 'forky']);
    expect(matrix.matrix.loader).toEqual(['c', 'rust']);
    expect(text).toMatch(/bullseye: .*left out: its cargo 1\.78\.0 cannot build myplugin: (myplugin is edition 2024 \(needs 1\.85\.0\)|pyo3 0\.30\.1 has rust-version 1\.85 \(needs 1\.85\))/);
    expect(text).toMatch(/^# {3}host-main: +# host\/main\.c calls dlopen\(\)$/m);
    expect(text).toContain('#     build: cc -o host-main host/main.c -ldl');
    expect(matrix.loaders).toBeUndefined();
  });

  it('the reproducer shape on PyO3 0.22: its range from pyo3-ffi 0.22.6, a libloading host by library name, an app linked as a dependency, no fake fix', async () => {
    const root = tree({
      'Cargo.toml': '[workspace]\nresolver = "2"\nmembers = ["pylib", "host", "app"]\n\n[workspace.dependencies]\npyo3 = { version = "0.22", features = ["auto-initialize"] }\n',
      'Cargo.lock': lock(['pyo3', '0.22.6', ['pyo3-ffi']], ['pyo3-ffi', '0.22.6']).replace('version = 4', 'version = 3'),
      'pylib/Cargo.toml': '[package]\nname = "pylib"\nversion = "0.1.0"\n\n[lib]\ncrate-type = ["cdylib", "rlib"]\n\n[features]\nglobal-libpython = []\n\n[dependencies]\npyo3 = { workspace = true }\n',
      'pylib/src/lib.rs': 'use pyo3::prelude::*;\n\n#[no_mangle]\npub extern "C" fn pytest() {\n    Python::with_gil(|py| { py.import_bound("numpy").unwrap(); });\n}\n\n#[no_mangle]\npub extern "C" fn add(a: i32) -> i32 { a }\n',
      'host/Cargo.toml': '[package]\nname = "host"\nversion = "0.1.0"\n\n[dependencies]\nlibloading = "0.8"\n',
      'host/src/main.rs': 'fn main() {\n    let lib = unsafe { libloading::Library::new("libpylib.so") }.unwrap();\n    let f: libloading::Symbol<extern "C" fn()> = unsafe { lib.get(b"pytest") }.unwrap();\n    f();\n}\n',
      'app/Cargo.toml': '[package]\nname = "app"\nversion = "0.1.0"\n\n[dependencies]\npylib = { path = "../pylib" }\n',
      'app/src/main.rs': 'fn main() { pylib::pytest(); }\n',
    });
    const { code, text } = await init(root);
    expect(code, output.stderr).toBe(0);
    const matrix = parse(text);
    expect(matrix.project).toEqual({ path: '.', build: 'cargo build --release -p pylib', library: 'target/release/libpylib.so', entry: 'pytest' });
    expect(matrix.loaders).toEqual({
      host: { build: 'cargo build --release -p host --bin host', run: ['./target/release/host'], env: { LD_LIBRARY_PATH: 'target/release' } },
      app: { build: 'cargo build --release -p app --bin app', run: ['./target/release/app'], env: { LD_LIBRARY_PATH: 'target/release' } },
    });
    expect(matrix.matrix.distro).toEqual(['bullseye', 'bookworm', 'trixie']);
    expect(matrix.matrix.mitigation).toEqual(['none', 'preload']);
    expect(text).toContain('forky: Python 3.14.8, cargo 1.97.1; left out: its Python 3.14.8 is newer than PyO3 0.22.6 (pyo3-ffi 0.22.6) supports (3.7 to 3.13)');
    expect(text).toMatch(/host: +# host\/src\/main\.rs opens libpylib\.so with libloading \(found through LD_LIBRARY_PATH\) and its default flags/);
    expect(text).toContain('no cargo feature of pylib turns on an in-library fix (its features: global-libpython)');
    expect(text).not.toMatch(/\badd\b.*lib\.rs/);
  });

  it('--with-fix copies the fix crate into the project, adds the dependency and feature, prints the call; promote once the code calls it', async () => {
    const root = tree(PYO3_4000);
    const { code, text } = await init(root, '--with-fix');
    expect(code, output.stderr).toBe(0);
    expect(existsSync(join(root, 'promote-libpython', 'src', 'lib.rs'))).toBe(true);
    const manifest = readFileSync(join(root, 'plugin', 'Cargo.toml'), 'utf8');
    expect(manifest).toContain('[dependencies]\npromote-libpython = { path = "../promote-libpython", optional = true }\npyo3 = ');
    expect(manifest).toContain('\n[features]\npromote-libpython = ["dep:promote-libpython"]\n');
    expect(output.stdout).toContain('    promote-libpython = { path = "../promote-libpython", optional = true }');
    expect(output.stdout).toContain('now call it at the top of `run` (plugin/src/lib.rs:4), before Python starts:\n    #[cfg(feature = "promote-libpython")]\n    if let Err(error) = promote_libpython::promote_libpython() {');
    // Not called yet: promote would fail, so it is not in the matrix.
    expect(parse(text).matrix.mitigation).toEqual(['none', 'preload']);
    expect(text).toContain('# promote-feature: promote-libpython   # the fix is a dependency, but plugin');

    const lib = join(root, 'plugin', 'src', 'lib.rs');
    writeFileSync(lib, readFileSync(lib, 'utf8').replace('pub extern "C" fn run() {\n', 'pub extern "C" fn run() {\n    #[cfg(feature = "promote-libpython")]\n    promote_libpython::promote_libpython().ok();\n'));
    output.stdout = '';
    const again = await init(root, '--with-fix', '--force');
    expect(again.code, output.stderr).toBe(0);
    expect(readFileSync(join(root, 'plugin', 'Cargo.toml'), 'utf8')).toBe(manifest);
    const matrix = parse(again.text);
    expect(matrix.project['promote-feature']).toBe('promote-libpython');
    expect(matrix.matrix.mitigation).toEqual(['none', 'preload', 'promote']);
    expect(output.stdout).not.toContain('now call it');
  });

  it('without Docker every candidate distro is kept and marked as not checked', async () => {
    const root = tree(PYO3_4000);
    const { code, text } = await init(root, '--no-docker');
    expect(code, output.stderr).toBe(0);
    expect(parse(text).matrix.distro).toEqual(['bullseye', 'bookworm', 'trixie', 'forky']);
    expect(text).toContain('bullseye: not read; not checked: --no-docker');
  });

  it('refuses to overwrite matrix.yaml without --force', async () => {
    const root = tree({ ...PYO3_4000, 'matrix.yaml': 'project: mine\n' });
    expect((await init(root)).code).toBe(2);
    expect(output.stderr).toMatch(/matrix\.yaml already exists; run with --force to overwrite it/);
    expect(readFileSync(join(root, 'matrix.yaml'), 'utf8')).toBe('project: mine\n');
    expect((await init(root, '--force')).code).toBe(0);
  });

  it('exits 2 with what to do: no Cargo project, no cdylib, a workspace member, no distro that can build it', async () => {
    expect((await init(tree({ 'README.md': 'hi' }))).code).toBe(2);
    expect(output.stderr).toContain('no Cargo.toml in');
    output.stderr = '';
    expect((await init(tree({ 'Cargo.toml': '[package]\nname = "plain"\n', 'src/main.rs': 'fn main() {}' }))).code).toBe(2);
    expect(output.stderr).toContain('package plain does not build a cdylib: add `[lib] crate-type = ["cdylib"]`');
    output.stderr = '';
    const ws = tree({ 'Cargo.toml': '[workspace]\nmembers = ["libs/*"]\n', 'libs/a/Cargo.toml': '[package]\nname = "a"\n' });
    expect((await init(join(ws, 'libs', 'a'))).code).toBe(2);
    expect(output.stderr).toContain(`is a member of the Cargo workspace in ${ws}: run \`dlmatrix init\` there`);
    output.stderr = '';
    const tooNew = tree({ 'Cargo.toml': '[package]\nname = "x"\nversion = "0.1.0"\nedition = "2024"\nrust-version = "1.99"\n[lib]\ncrate-type = ["cdylib"]\n', 'src/lib.rs': '' });
    expect((await init(tooNew)).code).toBe(2);
    expect(output.stderr).toContain('no distro can build x:\n  bullseye: its cargo 1.78.0 cannot build x: x has rust-version 1.99 (needs 1.99)');
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
