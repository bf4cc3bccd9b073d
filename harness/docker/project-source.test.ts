// Which folders a project's build context needs: itself and its path dependencies outside it.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pathDependencies, projectSource } from './project-source.ts';

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'source-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe('project sources', () => {
  it('reads path dependencies from every kind of dependency table, and not [lib] or [[bin]] paths', () => {
    const toml = `
[lib]
path = "src/other.rs"
[[bin]]
name = "x"
path = "src/x.rs"
[dependencies]
a = { path = "../a", optional = true }
pyo3 = "0.22"
[dependencies.b]
path = "../b"
[dev-dependencies]
c = { path = "../c" }
[target.'cfg(unix)'.dependencies]
d = { path = "../d" }
[workspace.dependencies]
e = { path = "crates/e" }
[patch.crates-io]
f = { path = "../f" }
`;
    expect(pathDependencies(toml).sort()).toEqual(['../a', '../b', '../c', '../d', '../f', 'crates/e']);
  });

  it('is the project alone when all its dependencies are inside it', () => {
    const root = tree({ 'ws/Cargo.toml': '[workspace]\nmembers = ["lib"]\n', 'ws/lib/Cargo.toml': '[dependencies]\nx = { path = "../x" }\n' });
    expect(projectSource(join(root, 'ws'))).toEqual({ root: join(root, 'ws'), folders: [join(root, 'ws')], projectDir: '.' });
  });

  it("adds a member's path dependency outside the workspace, transitively, keeping the layout", () => {
    const root = tree({
      'examples/app/Cargo.toml': '[workspace]\nmembers = ["crates/*"]\n',
      'examples/app/crates/mylib/Cargo.toml': '[dependencies]\nfix = { path = "../../../../crates/fix" }\n',
      'crates/fix/Cargo.toml': '[dependencies]\nutil = { path = "../util" }\n',
      'crates/util/Cargo.toml': '[package]\nname = "util"\n',
    });
    const source = projectSource(join(root, 'examples/app'));
    expect(source.root).toBe(root);
    expect(source.projectDir).toBe('examples/app');
    expect(source.folders).toEqual([join(root, 'examples/app'), join(root, 'crates/fix'), join(root, 'crates/util')]);
  });
});
