// The CLI contract without Docker: help, usage errors (2), matrix errors with positions (2),
// no engine (3), and `plan` output.
import { existsSync, mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureOutput } from '../test-support/capture-output.ts';
import { EngineUnavailableError, type ContainerClient } from '../docker/container-client.ts';
import { makeCell, makeResults } from '../test-support/make-results.ts';
import { main } from './main.ts';
import { runCommand } from './run-command.ts';

const output = captureOutput();

function matrixFile(body: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'dlmatrix-cli-'));
  mkdirSync(join(dir, 'project'));
  writeFileSync(join(dir, 'project', 'Cargo.toml'), '[package]\nname = "f"\n');
  writeFileSync(join(dir, 'matrix.yaml'), body);
  return join(dir, 'matrix.yaml');
}

const GOOD = `project: project
matrix:
  distro: [bookworm, trixie]
  python: [system]
  numpy: [system]
  loader: [c, rust]
  flags: ["RTLD_LOCAL|RTLD_NOW", linked]
expect:
  - when: {flags: "RTLD_LOCAL*"}
    outcome: undefined-symbol
`;

describe('dlmatrix CLI', () => {
  it('prints help for every command and exits 0', async () => {
    for (const command of ['run', 'plan', 'merge', 'diff']) {
      output.stdout = '';
      expect(await main([command, '--help'])).toBe(0);
      expect(output.stdout).toContain(`dlmatrix ${command}`);
      expect(output.stdout).toMatch(/Example/);
    }
    expect(await main(['--help'])).toBe(0);
  });

  it('rejects unknown commands and options with exit 2', async () => {
    expect(await main(['frobnicate'])).toBe(2);
    expect(await main(['run', '--jobz', '3'])).toBe(2);
    expect(output.stderr).toContain("Unknown option '--jobz'");
    expect(await main(['run', '--jobs', 'many', '--config', matrixFile(GOOD)])).toBe(2);
    expect(output.stderr).toContain('--jobs expects a positive integer');
  });

  it('reports a bad matrix with file, line, column and a hint, exit 2, before touching Docker', async () => {
    const file = matrixFile(GOOD.replace('linked]', 'RTLD_NOWW]'));
    expect(await main(['run', '--config', file])).toBe(2);
    expect(output.stderr).toMatch(/matrix\.yaml:7:\d+: error: .*RTLD_NOWW/);
    expect(output.stderr).toMatch(/hint: .*RTLD_NOW/);
  });

  it('never lets an axis value write a workflow command line with GITHUB_ACTIONS=true: it is refused at its position', async () => {
    const axes = ['  distro: [bookworm]', '  python: [system]', '  numpy: [system]', '  loader: [c]', '  flags: [linked]'];
    const file = matrixFile(['project: project', 'matrix:', ...axes, '  variant: ["a\\n::error::x"]', ''].join('\n'));
    const before = process.env.GITHUB_ACTIONS;
    process.env.GITHUB_ACTIONS = 'true';
    try {
      // `run` validates through the same loadPlan before it touches Docker.
      expect(await main(['plan', '--config', file])).toBe(2);
      expect(output.stderr).toMatch(/matrix\.yaml:8:13: error: a value of axis `variant` holds a newline/);
      expect(`${output.stdout}${output.stderr}`.split('\n').filter((line) => line.startsWith('::'))).toEqual([]);
    } finally {
      if (before === undefined) delete process.env.GITHUB_ACTIONS;
      else process.env.GITHUB_ACTIONS = before;
    }
  });

  it('exits 3 with how to start an engine when none answers', async () => {
    const client = {
      ping: async () => {
        throw new EngineUnavailableError('no Docker engine answers at /var/run/docker.sock; start one: sudo systemctl start docker');
      },
    } as unknown as ContainerClient;
    expect(await runCommand(['--config', matrixFile(GOOD), '--out', mkdtempSync(join(tmpdir(), 'o-'))], client)).toBe(3);
    expect(output.stderr).toContain('systemctl start docker');
  });

  it('plans cells and builds without Docker, with filters', async () => {
    const file = matrixFile(GOOD);
    expect(await main(['plan', '--config', file, '--json', '--only', 'distro=trixie'])).toBe(0);
    const plan = JSON.parse(output.stdout);
    expect(plan.cells.map((c: { id: string }) => c.id)).toEqual([
      'trixie/py-system/np-system/c/RTLD_LOCAL|RTLD_NOW',
      'trixie/py-system/np-system/c/linked',
      'trixie/py-system/np-system/rust/RTLD_LOCAL|RTLD_NOW',
      'trixie/py-system/np-system/rust/linked',
    ]);
    expect(plan.cells[0].expected).toEqual(['undefined-symbol']);
    expect(plan.builds).toMatchObject({ baseImages: ['trixie'], toolchains: [{ distro: 'trixie', python: 'system' }] });
  });

  it('prints a strategy.matrix with one entry per shard covering every cell', async () => {
    expect(await main(['plan', '--config', matrixFile(GOOD), '--format', 'github-matrix', '--shards', '3'])).toBe(0);
    const matrix = JSON.parse(output.stdout);
    expect(matrix.include.map((e: { shard: string }) => e.shard)).toEqual(['1/3', '2/3', '3/3']);
    expect(matrix.include.reduce((n: number, e: { cells: number }) => n + e.cells, 0)).toBe(8);
  });

  it('diff lists regressions first and exits 1 when there is one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dlmatrix-diff-'));
    const before = makeCell({ axes: { distro: 'trixie', python: 'system', numpy: 'system', loader: 'c', flags: 'RTLD_GLOBAL|RTLD_NOW' } });
    const after = { ...before, outcome: 'undefined-symbol' as const, symbol: 'PyObject_SelfIter', verdict: 'fail' as const };
    writeFileSync(join(dir, 'old.json'), JSON.stringify(makeResults([before])));
    writeFileSync(join(dir, 'new.json'), JSON.stringify(makeResults([after])));
    expect(await main(['diff', join(dir, 'old.json'), join(dir, 'new.json')])).toBe(1);
    expect(output.stdout).toMatch(/REGRESSION\s+trixie\/py-system\/np-system\/c\/RTLD_GLOBAL\|RTLD_NOW/);
    output.stdout = '';
    expect(await main(['diff', join(dir, 'old.json'), join(dir, 'old.json')])).toBe(0);
    expect(await main(['diff', join(dir, 'old.json')])).toBe(2);
  });

  it('merge writes one results.json, junit.xml and index.html from shard folders; a bad file is exit 2 naming it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dlmatrix-merge-'));
    const a = makeCell({ axes: { distro: 'bookworm', python: 'system', numpy: 'system', loader: 'c', flags: 'linked' } });
    const b = makeCell({ axes: { distro: 'trixie', python: 'system', numpy: 'system', loader: 'c', flags: 'linked' } });
    for (const [name, cell] of [['s1', a], ['s2', b]] as const) {
      mkdirSync(join(dir, name));
      writeFileSync(join(dir, name, 'results.json'), JSON.stringify(makeResults([cell], { matrixFile: join(dir, 'absent.yaml') })));
    }
    const out = join(dir, 'merged');
    expect(await main(['merge', join(dir, 's1'), join(dir, 's2'), '--out', out])).toBe(0);
    expect(JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')).cells).toHaveLength(2);
    expect(existsSync(join(out, 'junit.xml')) && existsSync(join(out, 'index.html'))).toBe(true);

    writeFileSync(join(dir, 'bad.json'), '{"schemaVersion": 1, "cells": "nope"}');
    expect(await main(['merge', join(dir, 'bad.json'), '--out', out])).toBe(2);
    expect(output.stderr).toContain('bad.json');
  });
});
