// What of a project its build context holds: itself and its path dependencies outside it (from the
// one Cargo reader), never target/, .git/, node_modules/, the matrix file or dlmatrix's output
// folders; symbolic links as links; a path dependency the build will not find, named with its line.
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ProjectBuildPlan } from '../plan/project-build.ts';
import { prepareEnvironmentContext } from './build-context.ts';
import { projectSource, uncopiedPathDependencies } from './project-source.ts';

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'dlmatrix-source-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const pkg = (name: string, deps = '') => `[package]\nname = "${name}"\nversion = "0.1.0"\n${deps ? `[dependencies]\n${deps}` : ''}`;

function context(dir: string, ignore: string[] = []): { dir: string; hash: string } {
  const project: ProjectBuildPlan = { dir, ignore, build: 'cargo build', entry: 'f', entryKind: 'void', variants: [{ name: 'plain' }], linked: [], loaders: [] };
  return prepareEnvironmentContext(mkdtempSync(join(tmpdir(), 'dlmatrix-context-')), project, undefined);
}

describe('project sources', () => {
  it('is the project alone when all its dependencies are inside it', () => {
    const root = tree({ 'ws/Cargo.toml': '[workspace]\nmembers = ["lib"]\n', 'ws/lib/Cargo.toml': pkg('lib', 'x = { path = "../x" }\n'), 'ws/x/Cargo.toml': pkg('x') });
    expect(projectSource(join(root, 'ws'))).toEqual({ root: join(root, 'ws'), folders: [join(root, 'ws')], projectDir: '.', ignore: [] });
  });

  it("adds a member's path dependency outside the workspace, transitively, keeping the layout", () => {
    const root = tree({
      'examples/app/Cargo.toml': '[workspace]\nmembers = ["crates/*"]\n',
      'examples/app/crates/mylib/Cargo.toml': pkg('mylib', 'fix = { path = "../../../../crates/fix" }\n'),
      'crates/fix/Cargo.toml': pkg('fix', 'util = { path = "../util" }\n'),
      'crates/util/Cargo.toml': pkg('util'),
    });
    const source = projectSource(join(root, 'examples/app'));
    expect(source.root).toBe(root);
    expect(source.projectDir).toBe('examples/app');
    expect(source.folders).toEqual([join(root, 'examples/app'), join(root, 'crates/fix'), join(root, 'crates/util')]);
  });

  it('names a path dependency in node_modules, which is not copied, and one that does not exist, with their lines', () => {
    const root = tree({
      'Cargo.toml': pkg('lib', 'promote-libpython = { path = "node_modules/dlmatrix/crates/promote-libpython", optional = true }\nother = { path = "../gone" }\n'),
      'node_modules/dlmatrix/crates/promote-libpython/Cargo.toml': pkg('promote-libpython'),
    });
    expect(uncopiedPathDependencies(root).map((d) => [d.name, d.line, d.why])).toEqual([
      ['promote-libpython', 5, 'is inside node_modules/, which the build context does not copy'],
      ['other', 6, 'does not exist'],
    ]);
  });
});

describe('the project copy in the build context', () => {
  it('leaves out target/, .git/, node_modules/, the matrix file and dlmatrix output folders, so none of them changes the image', () => {
    const root = tree({
      'Cargo.toml': pkg('lib'),
      'src/lib.rs': '',
      'matrix.yaml': 'project: .\n',
      'target/debug/x': '',
      '.git/HEAD': '',
      'node_modules/x/package.json': '{}',
      'reports/results.jsonl': '{}\n',
      'reports/index.html': '',
      'ci-out/results.jsonl': '{}\n',
    });
    const before = context(root, [join(root, 'matrix.yaml')]);
    for (const left of ['matrix.yaml', 'target', '.git', 'node_modules', 'reports', 'ci-out']) expect(existsSync(join(before.dir, 'project', left))).toBe(false);
    expect(existsSync(join(before.dir, 'project', 'src', 'lib.rs'))).toBe(true);
    writeFileSync(join(root, 'matrix.yaml'), 'project: .   # a comment\n');
    writeFileSync(join(root, 'reports', 'results.jsonl'), '{}\n{}\n');
    expect(context(root, [join(root, 'matrix.yaml')]).hash).toBe(before.hash);
    writeFileSync(join(root, 'src', 'lib.rs'), '// changed');
    expect(context(root, [join(root, 'matrix.yaml')]).hash).not.toBe(before.hash);
  });

  it('copies a folder link, a dangling link and an absolute link into the project as links', () => {
    const root = tree({ 'Cargo.toml': pkg('lib'), 'data/real/a.txt': 'a' });
    symlinkSync('real', join(root, 'data', 'dir-link'));
    symlinkSync('nowhere', join(root, 'data', 'dangling'));
    symlinkSync(join(root, 'data', 'real', 'a.txt'), join(root, 'data', 'absolute'));
    const { dir, hash } = context(root);
    const copy = join(dir, 'project', 'data');
    expect(lstatSync(join(copy, 'dir-link')).isSymbolicLink() && readlinkSync(join(copy, 'dir-link'))).toBe('real');
    expect(readlinkSync(join(copy, 'dangling'))).toBe('nowhere');
    expect(readlinkSync(join(copy, 'absolute'))).toBe('real/a.txt');
    expect(context(root).hash).toBe(hash);
  });

});
