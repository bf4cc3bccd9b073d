// Cells run contained, for real: in one environment's container, at the same time, a fork bomb, a
// memory hog, a program that reaches for the network and a well-behaved cell. Each misbehaving
// cell ends as its own crash or timeout with its reason; the well-behaved one still loads NumPy;
// the engine still answers.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LAYOUT } from '../image/layout.ts';
import { readResults, runCli } from '../test-support/run-cli.ts';

describe('cell containment (real Docker)', () => {
  it('ends a fork bomb, a memory hog and a network call as their own cells, while the others and the engine go on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dlmatrix-containment-'));
    writeFileSync(
      join(dir, 'matrix.yaml'),
      `project: ${join(import.meta.dirname, '..', '..', 'crates', 'probe')}
loaders:
  bomb:
    run: [sh, -c, 'f() ( f | f & ); f; sleep 60']
  hog:
    run: [${LAYOUT.python}, -c, "x = []\\nwhile True: x.append(bytearray(32 * 2**20))"]
  net:
    run: [${LAYOUT.python}, -c, "import socket; socket.create_connection(('192.0.2.1', 53), 5)"]
matrix:
  distro: [bookworm]
  python: [system]
  numpy: [system]
  loader: [bomb, hog, net, c]
  flags: ["RTLD_GLOBAL|RTLD_NOW"]
expect:
  - when: {loader: bomb}
    outcome: timeout
  - when: {loader: [hog, net]}
    outcome: crash
  - outcome: loaded
options:
  timeout: 20
  cell-memory: 384m
  cell-pids: 200
`,
    );
    const out = join(dir, 'reports');
    const result = await runCli(['run', '--config', join(dir, 'matrix.yaml'), '--out', out, '--jobs', '4']);
    expect(result.code, result.stderr.slice(-3000)).toBe(0);
    const cells = Object.fromEntries(readResults(out).cells.map((cell) => [cell.axes.loader, cell]));
    expect(cells.bomb).toMatchObject({ outcome: 'timeout', verdict: 'pass' });
    expect(cells.hog).toMatchObject({ outcome: 'crash', signal: 'SIGKILL', reason: expect.stringContaining('killed by the kernel for memory') });
    expect(cells.net).toMatchObject({ outcome: 'crash' });
    expect(`${cells.net!.output.stderr}`).toMatch(/Network is unreachable|Errno 101/);
    expect(cells.c).toMatchObject({ outcome: 'loaded', verdict: 'pass' });
    expect(spawnSync('docker', ['info', '--format', '{{.ServerVersion}}']).status).toBe(0);
  });
});
