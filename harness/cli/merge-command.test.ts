// `dlmatrix merge` without Docker: shards made from a real matrix file's plan, merged as CI does.
// A missing shard must not look green; a report that cannot be written must not exit 0.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { selectShard } from '../plan/shard.ts';
import { MISSING_REASON } from '../results/merge.ts';
import type { RunResults } from '../results/run-results.ts';
import { captureOutput } from '../test-support/capture-output.ts';
import { makeCell, makeResults } from '../test-support/make-results.ts';
import { loadPlan } from './load-plan.ts';
import { main } from './main.ts';

const output = captureOutput();
beforeEach(() => {
  vi.stubEnv('CI', 'true');
  vi.stubEnv('GITHUB_ACTIONS', '');
});
afterEach(() => vi.unstubAllEnvs());

const MATRIX = `project: project
matrix:
  distro: [bookworm, trixie, forky]
  python: [system]
  numpy: [system]
  loader: [c, rust]
  flags: ["RTLD_LOCAL|RTLD_NOW", linked]
expect:
  - when: {flags: "RTLD_LOCAL*"}
    outcome: undefined-symbol
`;

/** A project folder with the matrix, and the results of each of its `shards` shards as `run --shard i/n` writes them. */
function shardedRun(shards: number, only: string[] = []) {
  const dir = mkdtempSync(join(tmpdir(), 'dlmatrix-merge-'));
  mkdirSync(join(dir, 'project'));
  writeFileSync(join(dir, 'project', 'Cargo.toml'), '[package]\nname = "f"\n');
  const matrixFile = join(dir, 'matrix.yaml');
  writeFileSync(matrixFile, MATRIX);
  const { plan } = loadPlan({ configPath: matrixFile, only, cellIds: [] }, () => {});
  const folders = Array.from({ length: shards }, (_, i) => {
    const cells = selectShard(plan.cells, { index: i + 1, count: shards }).map((cell) =>
      makeCell({ axes: cell.axes, expected: cell.expected, ...(cell.axes.flags !== 'linked' && { outcome: 'undefined-symbol', symbol: 'PyObject_SelfIter' }) }),
    );
    const folder = join(dir, `shard-${i + 1}`);
    mkdirSync(folder);
    const results = makeResults(cells, { matrixFile, shard: `${i + 1}/${shards}`, ...(only.length && { selection: { only, cells: [] } }) });
    writeFileSync(join(folder, 'results.json'), JSON.stringify(results));
    return folder;
  });
  return { dir, matrixFile, plan, folders, out: join(dir, 'reports') };
}

const read = (out: string, file: string) => readFileSync(join(out, file), 'utf8');
const results = (out: string): RunResults => JSON.parse(read(out, 'results.json'));

describe('dlmatrix merge', () => {
  it('merges complete shards into one green set of reports, exit 0', async () => {
    const { folders, out, plan } = shardedRun(3);
    expect(await main(['merge', ...folders, '--out', out])).toBe(0);
    expect(results(out).cells.map((c) => c.id)).toEqual(plan.cells.map((c) => c.id));
    expect(readdirSync(out).sort()).toEqual(['index.html', 'junit.xml', 'results.json']);
    // The terminal ends with the findings and the counts.
    expect(output.stderr).toContain('Findings over the 12 cells that ran:\n  - flags alone decides the outcome: RTLD_LOCAL|RTLD_NOW -> undefined-symbol (6 of 6 cells), linked -> loaded (6 of 6 cells)');
    expect(output.stderr).toMatch(/12 cells: 12 passed, 0 failed, 0 flaky, 0 skipped/);
  });

  it('lists the cells of a missing shard, reports them as failures that did not run, and exits 1', async () => {
    const { folders, out, plan } = shardedRun(3);
    const lost = selectShard(plan.cells, { index: 2, count: 3 }).map((cell) => cell.id);
    expect(lost.length).toBeGreaterThan(0);
    expect(await main(['merge', folders[0]!, folders[2]!, '--out', out])).toBe(1);
    expect(output.stderr).toContain('dlmatrix merge: no results from shard 2/3: its artifact is missing');
    expect(output.stderr).toContain(`${lost.length} planned cells are missing from the shard results, reported as failures that did not run:\n${lost.map((id) => `  ${id}`).join('\n')}`);
    // results.json: every planned cell, the lost ones failed and not run.
    const merged = results(out);
    expect(merged.cells.map((c) => c.id)).toEqual(plan.cells.map((c) => c.id));
    for (const id of lost) expect(merged.cells.find((c) => c.id === id)).toMatchObject({ outcome: 'skipped', verdict: 'fail', reason: MISSING_REASON });
    expect(merged.summary).toMatchObject({ failed: 0, notRun: lost.length });
    // junit.xml: each is an <error> that says why.
    const junit = read(out, 'junit.xml');
    expect(junit.match(/<error message="expected [^"]*, got skipped: not run: missing from the merged shard results" type="skipped">/g)).toHaveLength(lost.length);
    // index.html: failed in the header and listed among the problems.
    const html = read(out, 'index.html');
    expect(html).toContain(`✗ ${lost.length} of ${plan.cells.length} cells did not run`);
    expect(html.match(/<tr class="problem"/g)).toHaveLength(lost.length);
  });

  it('recomputes the planned cells with the filters the shards were run with', async () => {
    const { folders, out, plan } = shardedRun(2, ['distro=trixie']);
    expect(plan.cells.every((cell) => cell.axes.distro === 'trixie')).toBe(true);
    expect(await main(['merge', ...folders, '--out', out])).toBe(0);
    expect(await main(['merge', folders[0]!, '--out', out])).toBe(1);
    expect(results(out).cells.every((cell) => cell.axes.distro === 'trixie')).toBe(true);
  });

  it('refuses shards of different runs (exit 2)', async () => {
    const a = shardedRun(2);
    const b = shardedRun(3);
    expect(await main(['merge', a.folders[0]!, b.folders[1]!, '--out', a.out])).toBe(2);
    expect(output.stderr).toContain('are not shards of one run (shard 1/2 and shard 2/3)');
  });

  it('without the matrix file, still fails when a shard is missing', async () => {
    const { folders, out } = shardedRun(2);
    expect(await main(['merge', folders[0]!, '--out', out, '--config', join(out, 'absent.yaml')])).toBe(1);
    expect(output.stderr).toContain('no results from shard 2/2');
    expect(output.stderr).toContain('cannot check that every planned cell is there: matrix file');
  });

  it('exits 4 naming the file and why when a report cannot be written, and still writes results.json', async () => {
    const { folders, out } = shardedRun(2);
    mkdirSync(join(out, 'junit.xml'), { recursive: true });
    expect(await main(['merge', ...folders, '--out', out])).toBe(4);
    expect(output.stderr).toContain(`dlmatrix: the junit report could not be written: cannot write ${join(out, 'junit.xml')}: a directory is in the way (EISDIR)`);
    expect(output.stderr).toContain('dlmatrix: a report could not be written (junit): exit code 4');
    expect(readdirSync(out).sort()).toEqual(['index.html', 'junit.xml', 'results.json']); // no temp file left behind
    expect(results(out).cells).toHaveLength(12);
  });

  it('writes the reporters asked for, and rejects an unknown one with a hint (exit 2)', async () => {
    const { folders, out } = shardedRun(2);
    expect(await main(['merge', ...folders, '--out', out, '--reporter', 'dot,ctrf'])).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['ctrf.json', 'results.json']);
    expect(output.stderr).toContain('merged 2 results into');
    expect(output.stderr).toContain('Findings over the 12 cells that ran:'); // dot prints no dots (merge runs no cell), only the end
    expect(await main(['merge', ...folders, '--out', out, '--reporter', 'htlm'])).toBe(2);
    expect(output.stderr).toContain('dlmatrix merge: --reporter: unknown reporter "htlm"; did you mean html?');
  });

  it('on GitHub Actions also writes the job summary and annotations', async () => {
    const { folders, out, plan } = shardedRun(2);
    const summary = join(out, '..', 'step-summary.md');
    vi.stubEnv('GITHUB_ACTIONS', 'true');
    vi.stubEnv('GITHUB_STEP_SUMMARY', summary);
    expect(await main(['merge', folders[1]!, '--out', out])).toBe(1);
    const lost = selectShard(plan.cells, { index: 1, count: 2 });
    expect(readFileSync(summary, 'utf8')).toMatch(new RegExp(`^## ❌ dlmatrix: ${lost.length} of 12 cells did not run\n`));
    const annotations = output.stdout.split('\n').filter((line) => line.startsWith('::error '));
    expect(annotations).toHaveLength(1);
    expect(annotations[0]).toContain(`::error title=dlmatrix%3A ${lost.length} cells skipped%3A not run%3A missing from the merged shard results::${lost.length} cells expected `);
    expect(existsSync(join(out, 'index.html'))).toBe(true);
  });
});
