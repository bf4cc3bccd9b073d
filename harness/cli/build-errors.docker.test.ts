// Build failures for real: one environment that cannot be built must not stop the others, and
// its cells must say why (the end of the build log), with exit code 1.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HARNESS_ROOT } from '../docker/build-context.ts';
import { readResults, runCli as dlmatrix } from '../test-support/run-cli.ts';

function matrix(dir: string, project: string, distros: string[]): string {
  const file = join(dir, 'matrix.yaml');
  writeFileSync(
    file,
    `project: ${project}
matrix:
  distro: [${distros.join(', ')}]
  python: [system]
  numpy: [system]
  loader: [c]
  flags: ["RTLD_GLOBAL|RTLD_NOW", linked]
`,
  );
  return file;
}

describe('build errors (real Docker)', () => {
  it('marks the cells of a distro that cannot be bootstrapped build-error and still runs the others', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dlmatrix-builderr-'));
    const config = matrix(dir, join(HARNESS_ROOT, 'crates', 'probe'), ['bookworm', 'nosuchsuite']);
    const run = await dlmatrix(['run', '--config', config, '--out', join(dir, 'out')]);
    expect(run.code, run.stderr).toBe(1);
    const results = readResults(join(dir, 'out'));
    const byDistro = (distro: string) => results.cells.filter((c) => c.axes.distro === distro);
    expect(byDistro('bookworm').map((c) => c.outcome)).toEqual(['loaded', 'loaded']);
    for (const cell of byDistro('nosuchsuite')) {
      expect(cell).toMatchObject({ outcome: 'build-error', verdict: 'fail' });
      expect(cell.reason).toMatch(/debootstrap of nosuchsuite failed/);
    }
    expect(readFileSync(join(dir, 'out', 'junit.xml'), 'utf8')).toMatch(/<error [^>]*type="build-error"/);
  });

  it('shows the compiler error of a project that does not build, from the end of the build log', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dlmatrix-builderr-'));
    const project = join(dir, 'broken-project');
    cpSync(join(HARNESS_ROOT, 'crates', 'probe'), project, { recursive: true, filter: (src) => !src.includes('/target') });
    // Its path dependency (the promote fix), where Cargo.toml expects it.
    cpSync(join(HARNESS_ROOT, 'crates', 'promote-libpython'), join(dir, 'promote-libpython'), { recursive: true });
    writeFileSync(join(project, 'src', 'lib.rs'), `${readFileSync(join(project, 'src', 'lib.rs'), 'utf8')}\nfn broken() -> u32 { "not a number" }\n`);
    const run = await dlmatrix(['run', '--config', matrix(dir, project, ['bookworm']), '--out', join(dir, 'out')]);
    expect(run.code, run.stderr).toBe(1);
    const results = readResults(join(dir, 'out'));
    for (const cell of results.cells) {
      expect(cell.outcome).toBe('build-error');
      expect(cell.reason).toContain('mismatched types');
    }
    // Headed by rustc's own error line, then which step failed.
    expect(results.environments[0].buildError).toMatch(/^error\[E0308\]: mismatched types\n/);
    expect(results.environments[0].buildError).toContain('build-project.sh');
  });
});
