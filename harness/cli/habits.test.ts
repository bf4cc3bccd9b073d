// Habits users bring from pytest, cargo and git: suggestions for mistyped options and commands,
// `dlmatrix help run`, the nearest cell ids for a --cell that does not exist, matrix.yaml found
// from a subfolder, and --last-failed's selection.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureOutput } from '../test-support/capture-output.ts';
import { makeCell, makeResults } from '../test-support/make-results.ts';
import { runCli } from '../test-support/run-cli.ts';
import { readLastFailed } from './last-failed.ts';
import { loadPlan } from './load-plan.ts';
import { main } from './main.ts';
import { findMatrixFile } from './matrix-file.ts';
import { RUN_HELP } from './run-command.ts';

const output = captureOutput();

const MATRIX = `project: project
matrix:
  distro: [bookworm, trixie]
  python: [system]
  numpy: [system]
  loader: [c, rust]
  flags: ["RTLD_LOCAL|RTLD_NOW", linked]
`;

function projectDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'dlmatrix-habits-'));
  mkdirSync(join(dir, 'project', 'src'), { recursive: true });
  writeFileSync(join(dir, 'project', 'Cargo.toml'), '[package]\nname = "f"\n');
  writeFileSync(join(dir, 'matrix.yaml'), MATRIX);
  return dir;
}

describe('suggestions', () => {
  it('names the option meant for a mistyped one, and the command meant for a mistyped command', async () => {
    expect(await main(['run', '--jbos', '3'])).toBe(2);
    expect(output.stderr).toContain("dlmatrix run: Unknown option '--jbos'; did you mean --jobs?\nRun `dlmatrix run --help` for the options.");
    expect(await main(['plan', '--shrad', '1/2'])).toBe(2);
    expect(output.stderr).toContain('did you mean --shard?');
    output.stderr = '';
    expect(await main(['runn'])).toBe(2);
    expect(output.stderr).toBe('dlmatrix: unknown command "runn": did you mean `dlmatrix run`?\nRun `dlmatrix --help` for what each command does.\n');
    output.stderr = '';
    expect(await main(['frobnicate'])).toBe(2);
    expect(output.stderr).toContain('commands: run, plan, merge, diff, report, clean, images, doctor, init');
  });

  it('`dlmatrix help run` prints the help of run, as git and cargo do', async () => {
    expect(await main(['help', 'run'])).toBe(0);
    expect(output.stdout).toBe(RUN_HELP);
  });

  it('a --cell that does not exist names the nearest ids', async () => {
    const dir = projectDir();
    expect(await main(['plan', '--config', join(dir, 'matrix.yaml'), '--cell', 'bookworm/py-system/np-system/c/RTLD_LOCAL|RTLD_NWO'])).toBe(2);
    expect(output.stderr).toContain(
      "--cell 'bookworm/py-system/np-system/c/RTLD_LOCAL|RTLD_NWO': no such cell in the matrix; the nearest: 'bookworm/py-system/np-system/c/RTLD_LOCAL|RTLD_NOW', 'bookworm/py-system/np-system/rust/RTLD_LOCAL|RTLD_NOW', 'trixie/py-system/np-system/c/RTLD_LOCAL|RTLD_NOW'; list them all with `dlmatrix plan`",
    );
  });
});

describe('finding matrix.yaml', () => {
  it('from the working folder up, like cargo and git; --config wins', () => {
    const dir = projectDir();
    expect(findMatrixFile(undefined, dir)).toBe('matrix.yaml');
    expect(findMatrixFile(undefined, join(dir, 'project', 'src'))).toBe(join('..', '..', 'matrix.yaml'));
    expect(findMatrixFile('other.yaml', join(dir, 'project'))).toBe('other.yaml');
  });

  it('plan from a subfolder reads the project matrix; with none, the error names dlmatrix init and --config', async () => {
    const dir = projectDir();
    const found = await runCli(['plan', '--json'], { cwd: join(dir, 'project', 'src') });
    expect(found.code, found.stderr).toBe(0);
    expect(JSON.parse(found.stdout)).toMatchObject({ matrixFile: join('..', '..', 'matrix.yaml') });
    const none = await runCli(['plan'], { cwd: mkdtempSync(join(tmpdir(), 'dlmatrix-nomatrix-')) });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^dlmatrix plan: no matrix\.yaml in \S+ or any folder above it: run `npx dlmatrix init` in your Cargo project to write one, or give a matrix file with --config FILE\n$/);
  });
});

describe('--last-failed', () => {
  const cell = (distro: string, loader: string, flags: string, verdict: 'pass' | 'fail') =>
    makeCell({ axes: { distro, numpy: 'system', loader, flags }, verdict, outcome: verdict === 'pass' ? 'loaded' : 'undefined-symbol' });

  it('selects the cells that failed in the last run into --out, of those the matrix still has', () => {
    const dir = projectDir();
    const out = join(dir, 'reports');
    mkdirSync(out);
    const previous = [cell('bookworm', 'c', 'linked', 'pass'), cell('trixie', 'rust', 'RTLD_LOCAL|RTLD_NOW', 'fail'), cell('forky', 'c', 'linked', 'fail'), cell('bookworm', 'c', 'RTLD_LOCAL|RTLD_NOW', 'fail')];
    writeFileSync(join(out, 'results.json'), JSON.stringify(makeResults(previous)));
    const warnings: string[] = [];
    const loaded = loadPlan({ configPath: join(dir, 'matrix.yaml'), only: [], cellIds: [], lastFailed: readLastFailed(out) }, (line) => warnings.push(line));
    expect(loaded.plan.cells.map((c) => c.id)).toEqual(['bookworm/py-system/np-system/c/RTLD_LOCAL|RTLD_NOW', 'trixie/py-system/np-system/rust/RTLD_LOCAL|RTLD_NOW']);
    expect(warnings).toEqual([`dlmatrix: --last-failed: rerunning the 2 cells that failed in ${join(out, 'results.json')} (1 no longer in the matrix)`]);
  });

  it('runs every cell when nothing failed or there was no run, and says so', () => {
    const dir = projectDir();
    const warnings: string[] = [];
    const loaded = loadPlan({ configPath: join(dir, 'matrix.yaml'), only: [], cellIds: [], lastFailed: readLastFailed(join(dir, 'reports')) }, (line) => warnings.push(line));
    expect(loaded.plan.cells).toHaveLength(8);
    expect(warnings[0]).toMatch(/--last-failed: no cell failed in the last run \(.*results\.json does not exist\): running every cell/);
  });

  it('refuses --cell next to it', async () => {
    expect(await main(['run', '--last-failed', '--cell', 'x', '--config', join(projectDir(), 'matrix.yaml')])).toBe(2);
    expect(output.stderr).toContain('--last-failed and --cell both choose the cells: give one of them');
  });
});
