// A Cargo workspace shaped like the public reproducer of PyO3 issue #4000: a plugin crate that
// embeds Python (PyO3 0.30) and imports NumPy when `run()` is called, a host that opens
// ./target/debug/libplugin.so with dlopen2's default flags (RTLD_LAZY | RTLD_LOCAL), and a host
// linked to the plugin through its build script. It also holds a folder symlink and a dangling
// one, as real projects do. Written without Cargo.lock: `dlmatrix init` fetches and locks it.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const PYO3_4000_FILES: Record<string, string> = {
  'Cargo.toml': '[workspace]\nresolver = "3"\nmembers = ["plugin", "hosts/*"]\n\n[workspace.package]\nversion = "0.1.0"\nedition = "2024"\n',
  'plugin/Cargo.toml':
    '[package]\nname = "plugin"\nversion.workspace = true\nedition.workspace = true\n\n[lib]\ncrate-type = ["cdylib"]\n\n[dependencies]\npyo3 = { version = "=0.30.1", features = ["auto-initialize"] }\n',
  'plugin/src/lib.rs':
    'use pyo3::prelude::*;\n\n/// Called by the hosts: imports NumPy and says how it went, like the reproducer.\n#[unsafe(no_mangle)]\npub extern "C" fn run() {\n    Python::attach(|py| match py.import("numpy") {\n        Ok(_) => println!("ok"),\n        Err(error) => println!("error: {error}"),\n    });\n}\n',
  'hosts/dl-host/Cargo.toml': '[package]\nname = "dl-host"\nversion.workspace = true\nedition.workspace = true\n\n[dependencies]\ndlopen2 = "=0.9.0"\n',
  'hosts/dl-host/src/main.rs':
    'use dlopen2::raw::Library;\n\nfn main() {\n    let library = Library::open("./target/debug/libplugin.so").expect("cannot open the plugin");\n    let run: unsafe extern "C" fn() = unsafe { library.symbol("run") }.expect("no run()");\n    unsafe { run() };\n}\n',
  'hosts/linked-host/Cargo.toml': '[package]\nname = "linked-host"\nversion.workspace = true\nedition.workspace = true\nbuild = "build.rs"\n',
  'hosts/linked-host/build.rs':
    'fn main() {\n    println!("cargo:rustc-link-search=native=target/debug");\n    println!("cargo:rustc-link-lib=dylib=plugin");\n}\n',
  'hosts/linked-host/src/main.rs': 'unsafe extern "C" {\n    fn run();\n}\n\nfn main() {\n    unsafe { run() };\n}\n',
  'data/fixtures/numbers.txt': '1 2 3\n',
};

/** Writes the workspace into `root`, with a folder symlink (plugin/data -> ../data/fixtures) and a dangling one. */
export function writePyo3Issue4000(root: string): string {
  for (const [path, text] of Object.entries(PYO3_4000_FILES)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  symlinkSync('../data/fixtures', join(root, 'plugin', 'data'));
  symlinkSync('does-not-exist', join(root, 'data', 'dangling'));
  return root;
}
