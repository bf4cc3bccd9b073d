// Build failures for real: one environment that cannot be built must not stop the others, and
// its cells must say why (the end of the build log), with exit code 1.
import { spawnSync } from 'node:child_process';
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
    // sid has no base image here; with a mirror that does not answer, its bootstrap fails.
    expect(spawnSync('docker', ['image', 'inspect', 'dlmatrix/base:sid-slim2']).status, 'this test needs no sid base image on the engine').not.toBe(0);
    const config = matrix(dir, join(HARNESS_ROOT, 'crates', 'probe'), ['bookworm', 'sid']);
    const run = await dlmatrix(['run', '--config', config, '--out', join(dir, 'out')], { env: { DLMATRIX_DEBIAN_MIRROR: 'http://127.0.0.1:9/debian' } });
    expect(run.code, run.stderr).toBe(1);
    const results = readResults(join(dir, 'out'));
    const byDistro = (distro: string) => results.cells.filter((c) => c.axes.distro === distro);
    expect(byDistro('bookworm').map((c) => c.outcome)).toEqual(['loaded', 'loaded']);
    for (const cell of byDistro('sid')) {
      expect(cell).toMatchObject({ outcome: 'build-error', verdict: 'fail' });
      expect(cell.reason).toMatch(/did not build: debootstrap of sid failed/);
    }
    // Said once, with the environment, not per cell.
    expect(run.stderr.match(/debootstrap of sid failed/g)).toHaveLength(1);
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
    // Headed by rustc's own error line with where it is, then which step failed.
    expect(results.environments[0].buildError).toMatch(/^error\[E0308\]: mismatched types\n--> src\/lib\.rs:\d+:\d+\n/);
    expect(results.environments[0].buildCause).toMatch(/^error\[E0308\]: mismatched types\n--> src\/lib\.rs:\d+:\d+\n\d+ \| fn broken\(\) -> u32/);
    expect(results.environments[0].buildError).toContain('build-project.sh');
    // The terminal shows it once, with its location, and a run where nothing built says so.
    expect(run.stderr).toMatch(/build failed: error\[E0308\]: mismatched types\n\s+--> src\/lib\.rs:\d+:\d+/);
    expect(run.stderr).toMatch(/no environment built \(1 of 1\): nothing about the library was tested; each one's error is above, and the full logs are in \S+\/logs\//);
  });
});
