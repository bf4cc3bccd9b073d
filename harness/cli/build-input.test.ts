// The matrix file is not build input: editing a comment in matrix.yaml (which sits in the
// project, as `dlmatrix init` writes it) must not make a new environment image, and neither must
// a run's reports/ inside the project. From the matrix file through the plan to the build context.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { prepareEnvironmentContext } from '../docker/build-context.ts';
import { projectBuildPlan } from '../plan/project-build.ts';
import { loadPlan } from './load-plan.ts';

function contextHash(matrix: string): string {
  const { config, full } = loadPlan({ configPath: matrix, only: [], cellIds: [] }, () => {});
  return prepareEnvironmentContext(mkdtempSync(join(tmpdir(), 'dlmatrix-context-')), projectBuildPlan(config, full), undefined).hash;
}

it('editing matrix.yaml or writing reports/ in the project leaves the environment context unchanged', () => {
  const root = mkdtempSync(join(tmpdir(), 'dlmatrix-build-input-'));
  mkdirSync(join(root, 'src'));
  writeFileSync(join(root, 'Cargo.toml'), '[package]\nname = "lib"\nversion = "0.1.0"\n[lib]\ncrate-type = ["cdylib"]\n');
  writeFileSync(join(root, 'src', 'lib.rs'), '#[no_mangle]\npub extern "C" fn go() {}\n');
  const matrix = join(root, 'matrix.yaml');
  writeFileSync(matrix, 'project: {path: ., entry: go}\nmatrix:\n  distro: [bookworm]\n  python: [system]\n  numpy: [system]\n  loader: [c]\n  flags: [linked]\n');
  const before = contextHash(matrix);
  writeFileSync(matrix, `# a comment\n${readFileSync(matrix, 'utf8')}`);
  mkdirSync(join(root, 'reports'));
  writeFileSync(join(root, 'reports', 'results.jsonl'), '{"type":"begin"}\n');
  expect(contextHash(matrix)).toBe(before);
  writeFileSync(join(root, 'src', 'lib.rs'), '#[no_mangle]\npub extern "C" fn go() { /* changed */ }\n');
  expect(contextHash(matrix)).not.toBe(before);
});
