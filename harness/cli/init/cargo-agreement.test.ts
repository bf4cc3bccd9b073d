// `dlmatrix init` and the build context read a workspace through the one Cargo reader, so they
// agree on its members: here with `exclude` and a glob that is not `dir/*` (issue 14).
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect, it } from 'vitest';
import { parse } from 'yaml';
import { projectSource } from '../../docker/project-source.ts';
import { captureOutput } from '../../test-support/capture-output.ts';
import { initCommand } from '../init-command.ts';

const output = captureOutput();

it('init and the build context agree on the members of a workspace with exclude and a py-* glob', async () => {
  const root = mkdtempSync(join(tmpdir(), 'dlmatrix-agree-'));
  const files: Record<string, string> = {
    'ws/Cargo.toml': '[workspace]\nmembers = ["lib", "plugins/py-*"]\nexclude = ["plugins/py-old"]\n',
    'ws/lib/Cargo.toml': '[package]\nname = "lib"\nversion = "0.1.0"\n[lib]\ncrate-type = ["cdylib"]\n[dependencies]\npyo3 = "0.22"\n',
    'ws/lib/src/lib.rs': '#[no_mangle]\npub extern "C" fn go() {}\n',
    // A member through the glob: a host with a path dependency outside the workspace.
    'ws/plugins/py-new/Cargo.toml': '[package]\nname = "py-new"\nversion = "0.1.0"\n[dependencies]\nlibloading = "0.8"\nhelper = { path = "../../../shared/helper" }\n',
    'ws/plugins/py-new/src/main.rs': 'fn main() { let p = std::env::args().nth(1).unwrap(); let _l = unsafe { libloading::Library::new(p) }; }\n',
    // Excluded: neither its program nor its outside dependency is part of the project.
    'ws/plugins/py-old/Cargo.toml': '[package]\nname = "py-old"\nversion = "0.1.0"\n[dependencies]\nlibloading = "0.8"\nlegacy = { path = "../../../shared/legacy" }\n',
    'ws/plugins/py-old/src/main.rs': 'fn main() { let p = std::env::args().nth(1).unwrap(); let _l = unsafe { libloading::Library::new(p) }; }\n',
    'shared/helper/Cargo.toml': '[package]\nname = "helper"\nversion = "0.1.0"\n',
    'shared/legacy/Cargo.toml': '[package]\nname = "legacy"\nversion = "0.1.0"\n',
  };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  const ws = join(root, 'ws');
  expect(await initCommand(['--dir', ws, '--no-docker'], { distros: async () => [], fetch: undefined }), output.stderr).toBe(0);
  const matrix = parse(readFileSync(join(ws, 'matrix.yaml'), 'utf8'));
  expect(Object.keys(matrix.loaders)).toEqual(['py-new']);
  expect(projectSource(ws).folders).toEqual([ws, join(root, 'shared', 'helper')]);
});
