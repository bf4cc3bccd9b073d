// `dlmatrix run` for real: a real Docker engine, real images (built or reused by content hash),
// the real PyO3 probe crate loaded with real dlopen() by the C and Rust loaders, and `linked`.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { HARNESS_ROOT } from '../docker/build-context.ts';
import type { RunResults } from '../results/run-results.ts';
import { CLI, containersOf, readResults, runCli as dlmatrix, type CliRun } from '../test-support/run-cli.ts';


/** Two distros, LOCAL and GLOBAL, two loaders and `linked`. */
const SMALL_MATRIX = `
project: ${join(HARNESS_ROOT, 'crates', 'probe')}
imports: [numpy]
matrix:
  distro: [bookworm, trixie]
  python: [system]
  numpy: [system]
  loader: [c, rust]
  flags: ["RTLD_LOCAL|RTLD_NOW", "RTLD_GLOBAL|RTLD_NOW", linked]
expect:
  - when: {flags: "RTLD_LOCAL*"}
    outcome: undefined-symbol
  - outcome: loaded
`;

describe('dlmatrix run (real Docker)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dlmatrix-it-'));
  const matrix = join(dir, 'matrix.yaml');
  const out = join(dir, 'full');
  let full: CliRun;

  beforeAll(async () => {
    writeFileSync(matrix, SMALL_MATRIX);
    full = await dlmatrix(['run', '--config', matrix, '--out', out]);
  });

  it('exits 0 with LOCAL cells undefined-symbol and GLOBAL and linked cells loaded', () => {
    expect(full.code, full.stderr).toBe(0);
    const results = readResults(out);
    expect(results.cells).toHaveLength(12);
    for (const cell of results.cells) {
      if (cell.axes.flags.startsWith('RTLD_LOCAL')) {
        expect(cell.outcome, cell.id).toBe('undefined-symbol');
        expect(cell.symbol, cell.id).toMatch(/^Py/);
      } else {
        expect(cell.outcome, cell.id).toBe('loaded');
      }
      expect(cell.verdict, cell.id).toBe('pass');
      expect(cell.resolved.python, cell.id).toMatch(/^3\.\d+\.\d+$/);
      expect(cell.resolved.numpy, cell.id).toMatch(/^\d+\.\d+/);
    }
    const bookworm = results.cells.find((c) => c.axes.distro === 'bookworm')!;
    expect(bookworm.resolved.python).toMatch(/^3\.11\./);
    expect(results.environments.every((e) => e.imageId?.startsWith('sha256:'))).toBe(true);
  });

  it('writes JUnit that the Jenkins xUnit schema accepts, and an HTML report', () => {
    const xsd = join(HARNESS_ROOT, 'harness', 'report', 'fixtures', 'junit-10.xsd');
    const lint = spawnSync('xmllint', ['--noout', '--schema', xsd, join(out, 'junit.xml')], { encoding: 'utf8' });
    expect(lint.status, lint.stderr).toBe(0);
    const junit = readFileSync(join(out, 'junit.xml'), 'utf8');
    expect(junit).toMatch(/<testsuites[^>]* tests="12"[^>]* failures="0"/);
    const symbol = readResults(out).cells.find((c) => c.symbol)!.symbol!;
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    expect(html).toContain(symbol);
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)="https?:/);
  });

  it('leaves no container of the run behind', () => {
    expect(containersOf(full.pid)).toEqual([]);
  });

  it('`report DIR` (from the journal) and `merge DIR` write the very results.json the run wrote, byte for byte', async () => {
    const fromJournal = join(dir, 'from-journal');
    const merged = join(dir, 'merged-alone');
    const report = await dlmatrix(['report', out, '--out', fromJournal]);
    expect(report.code, report.stderr).toBe(0);
    const merge = await dlmatrix(['merge', out, '--out', merged]);
    expect(merge.code, merge.stderr).toBe(0);
    const text = (folder: string) => readFileSync(join(folder, 'results.json'), 'utf8');
    expect(text(fromJournal)).toBe(text(out));
    expect(text(merged)).toBe(text(out));
  });

  it('rebuilds nothing on a second run (images are cached by content)', async () => {
    const again = await dlmatrix(['run', '--config', matrix, '--out', join(dir, 'again'), '--verbose']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).not.toMatch(/^building /m);
  });

  it('on Ctrl-C removes its containers, still writes the results gathered so far, and exits 130', async () => {
    const interruptedOut = join(dir, 'interrupted');
    const child = spawn('node', [CLI, 'run', '--config', matrix, '--out', interruptedOut, '--jobs', '1'], {
      env: { ...process.env, CI: 'true' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    await new Promise<void>((resolve) =>
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk;
        // Interrupt as soon as the first cell has finished.
        if (/^PASS /m.test(stderr)) resolve();
      }),
    );
    child.kill('SIGINT');
    expect(await exited, stderr).toBe(130);
    const results = readResults(interruptedOut);
    expect(results.interrupted).toBe(true);
    expect(results.cells).toHaveLength(12);
    expect(results.cells.some((c) => c.outcome !== 'skipped')).toBe(true);
    const stopped = results.cells.filter((c) => c.reason?.includes('interrupted'));
    expect(stopped.length).toBeGreaterThan(0);
    // Cells that should have run and did not: failures in every report, never skipped.
    for (const cell of stopped) expect(cell, cell.id).toMatchObject({ outcome: 'skipped', verdict: 'fail' });
    expect(results.summary.notRun).toBe(stopped.length);
    expect(readFileSync(join(interruptedOut, 'junit.xml'), 'utf8')).toMatch(new RegExp(`<testsuites[^>]* errors="${stopped.length}"`));
    expect(containersOf(child.pid!)).toEqual([]);
    // The journal gives back the same results, the stopped cells' reasons included.
    const fromJournal = join(dir, 'interrupted-from-journal');
    expect((await dlmatrix(['report', interruptedOut, '--out', fromJournal])).code).toBe(1);
    expect(readFileSync(join(fromJournal, 'results.json'), 'utf8')).toBe(readFileSync(join(interruptedOut, 'results.json'), 'utf8'));
  });

  it('with --baseline marks what changed in the terminal, the JUnit properties and the report', async () => {
    // A baseline in which one RTLD_LOCAL cell had loaded: today's undefined-symbol is a regression.
    const baseline = readResults(out);
    const changed = baseline.cells.find((c) => c.axes.flags.startsWith('RTLD_LOCAL') && c.axes.distro === 'trixie')!;
    Object.assign(changed, { outcome: 'loaded', symbol: undefined, verdict: 'pass' });
    const baselineFile = join(dir, 'baseline.json');
    writeFileSync(baselineFile, JSON.stringify(baseline));

    const compared = join(dir, 'compared');
    const result = await dlmatrix(['run', '--config', matrix, '--out', compared, '--baseline', baselineFile, '--only', 'distro=trixie']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(new RegExp(`REGRESSION\\s+${changed.id.replace(/[|/.]/g, '\\$&')}: loaded`));
    const junit = readFileSync(join(compared, 'junit.xml'), 'utf8');
    expect(junit).toContain('.change" value="regression"');
    expect(readFileSync(join(compared, 'index.html'), 'utf8')).toMatch(/Changes since baseline/i);
  });

  it('runs two shards whose merge equals the unsharded run, cell for cell', async () => {
    const shards = [join(dir, 'shard-1'), join(dir, 'shard-2')];
    const [one, two] = await Promise.all(shards.map((shardOut, i) => dlmatrix(['run', '--config', matrix, '--out', shardOut, '--shard', `${i + 1}/2`])));
    expect(one.code, one.stderr).toBe(0);
    expect(two.code, two.stderr).toBe(0);
    const sizes = shards.map((s) => readResults(s).cells.length);
    expect(sizes.every((n) => n > 0)).toBe(true);
    expect(sizes[0] + sizes[1]).toBe(12);

    const merged = join(dir, 'merged');
    const merge = await dlmatrix(['merge', ...shards, '--out', merged, '--config', matrix]);
    expect(merge.code, merge.stderr).toBe(0);
    const essence = (results: RunResults) =>
      results.cells.map(({ id, axes, outcome, symbol, expected, verdict, resolved }) => ({ id, axes, outcome, symbol, expected, verdict, resolved }));
    expect(essence(readResults(merged))).toEqual(essence(readResults(out)));
    const lint = spawnSync('xmllint', ['--noout', '--schema', join(HARNESS_ROOT, 'harness', 'report', 'fixtures', 'junit-10.xsd'), join(merged, 'junit.xml')]);
    expect(lint.status).toBe(0);
  });
});
