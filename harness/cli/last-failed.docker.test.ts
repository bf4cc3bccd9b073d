// `run --last-failed` for real, as pytest's --lf: after a run with a failing cell, only that cell
// runs again; once it passes, the next --last-failed runs every cell.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { HARNESS_ROOT } from '../docker/build-context.ts';
import { readResults, runCli } from '../test-support/run-cli.ts';

const MATRIX = `project: ${join(HARNESS_ROOT, 'crates', 'probe')}
matrix:
  distro: [bookworm]
  python: [system]
  numpy: [system]
  loader: [c]
  flags: ["RTLD_LOCAL|RTLD_NOW", "RTLD_GLOBAL|RTLD_NOW"]
expect:
  - outcome: loaded
`;

it('reruns only the cells that failed in the last run into --out, then every cell once none did', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dlmatrix-lf-'));
  const config = join(dir, 'matrix.yaml');
  const out = join(dir, 'reports');
  // Every cell expected to load: the RTLD_LOCAL one cannot.
  writeFileSync(config, MATRIX);
  const first = await runCli(['run', '--config', config, '--out', out]);
  expect(first.code, first.stderr.slice(-2000)).toBe(1);
  const local = 'bookworm/py-system/np-system/c/RTLD_LOCAL|RTLD_NOW';
  expect(readResults(out).cells.filter((c) => c.verdict === 'fail').map((c) => c.id)).toEqual([local]);

  const again = await runCli(['run', '--config', config, '--out', out, '--last-failed']);
  expect(again.code).toBe(1);
  expect(again.stderr).toContain(`--last-failed: rerunning the 1 cell that failed in ${join(out, 'results.json')}`);
  expect(readResults(out).cells.map((c) => c.id)).toEqual([local]);

  // The expectation fixed: the failed cell passes, and the next --last-failed runs every cell.
  writeFileSync(config, readFileSync(config, 'utf8').replace('expect:\n', 'expect:\n  - when: {flags: "RTLD_LOCAL*"}\n    outcome: undefined-symbol\n'));
  const fixed = await runCli(['run', '--config', config, '--out', out, '--last-failed']);
  expect(fixed.code, fixed.stderr.slice(-2000)).toBe(0);
  expect(readResults(out).cells.map((c) => c.id)).toEqual([local]);
  const all = await runCli(['run', '--config', config, '--out', out, '--last-failed']);
  expect(all.code).toBe(0);
  expect(all.stderr).toContain('--last-failed: no cell failed in the last run');
  expect(readResults(out).cells).toHaveLength(2);
});
